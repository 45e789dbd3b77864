// SPDX-License-Identifier: MIT
/*
 * kfault serve's gRPC glue (serve-grpc.h): Debian's libgrpc++ and the code
 * protoc generates from bpfki.proto. Each RPC copies its request into
 * bpfki.h's structs and its reply into a gRPC status; everything else, the
 * state included, is bpfki.c's. docs/kubernetes.md says why libgrpc++.
 */
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include "bpfki.grpc.pb.h"
#include "serve-grpc.h"

namespace {

grpc::Status to_status(bpfki_reply &rep, bpfki::StatusResponse *resp)
{
	std::string msg = rep.msg ? rep.msg : "";

	std::free(rep.msg);
	rep.msg = nullptr;
	if (rep.code == BPFKI_OK) {
		resp->set_ret(0);
		resp->set_msg(msg);
		return grpc::Status::OK;
	}
	return grpc::Status(static_cast<grpc::StatusCode>(rep.code), msg);
}

/* A FailKernRequest as bpfki.h's struct; the strings stay the request's. */
struct KernReq {
	std::vector<const char *> headers;
	std::vector<bpfki_frame> frames;
	bpfki_kern_req r{};

	explicit KernReq(const bpfki::FailKernRequest &q)
	{
		for (const auto &h : q.headers())
			headers.push_back(h.c_str());
		for (const auto &f : q.callchain())
			frames.push_back({ f.funcname().c_str(), f.parameters().c_str(),
					   f.predicate().c_str() });
		r.pid = q.pid();
		r.tid = q.tid();
		r.ftype = q.ftype();
		r.headers = headers.data();
		r.nheaders = headers.size();
		r.callchain = frames.data();
		r.nframes = frames.size();
		r.probability = q.probability();
		r.times = q.times();
	}
};

struct SyscallReq {
	std::vector<const char *> methods;
	bpfki_syscall_req r{};

	explicit SyscallReq(const bpfki::FailSyscallRequest &q)
	{
		for (const auto &m : q.methods())
			methods.push_back(m.c_str());
		r.pid = q.pid();
		r.tid = q.tid();
		r.methods = methods.data();
		r.nmethods = methods.size();
		r.err = q.err();
		r.probability = q.probability();
	}
};

class Service final : public bpfki::BPFKIService::Service {
public:
	explicit Service(struct bpfki_daemon *d) : d_(d) {}

	grpc::Status FailMMOrBIO(grpc::ServerContext *, const bpfki::FailKernRequest *q,
				 bpfki::StatusResponse *resp) override
	{
		KernReq k(*q);
		bpfki_reply rep{};

		bpfki__fail_kern(d_, &k.r, &rep);
		return to_status(rep, resp);
	}

	grpc::Status RecoverMMOrBIO(grpc::ServerContext *, const bpfki::FailKernRequest *q,
				    bpfki::StatusResponse *resp) override
	{
		KernReq k(*q);
		bpfki_reply rep{};

		bpfki__recover_kern(d_, &k.r, &rep);
		return to_status(rep, resp);
	}

	grpc::Status FailSyscall(grpc::ServerContext *, const bpfki::FailSyscallRequest *q,
				 bpfki::StatusResponse *resp) override
	{
		SyscallReq s(*q);
		bpfki_reply rep{};

		bpfki__fail_syscall(d_, &s.r, &rep);
		return to_status(rep, resp);
	}

	grpc::Status RecoverSyscall(grpc::ServerContext *, const bpfki::FailSyscallRequest *q,
				    bpfki::StatusResponse *resp) override
	{
		SyscallReq s(*q);
		bpfki_reply rep{};

		bpfki__recover_syscall(d_, &s.r, &rep);
		return to_status(rep, resp);
	}

	grpc::Status SetTimeVal(grpc::ServerContext *, const bpfki::BumpTimeRequest *q,
				bpfki::StatusResponse *resp) override
	{
		return time("SetTimeVal", q, resp);
	}
	grpc::Status RecoverTimeVal(grpc::ServerContext *, const bpfki::BumpTimeRequest *q,
				    bpfki::StatusResponse *resp) override
	{
		return time("RecoverTimeVal", q, resp);
	}
	grpc::Status SetTimeSpec(grpc::ServerContext *, const bpfki::BumpTimeRequest *q,
				 bpfki::StatusResponse *resp) override
	{
		return time("SetTimeSpec", q, resp);
	}
	grpc::Status RecoverTimeSpec(grpc::ServerContext *, const bpfki::BumpTimeRequest *q,
				     bpfki::StatusResponse *resp) override
	{
		return time("RecoverTimeSpec", q, resp);
	}

private:
	grpc::Status time(const char *rpc, const bpfki::BumpTimeRequest *q,
			  bpfki::StatusResponse *resp)
	{
		bpfki_reply rep{};

		bpfki__time(d_, rpc, q->pid(), &rep);
		return to_status(rep, resp);
	}

	struct bpfki_daemon *d_;
};

} // namespace

struct serve_grpc {
	std::unique_ptr<Service> service;
	std::unique_ptr<grpc::Server> server;
	int port = 0;
};

extern "C" struct serve_grpc *serve_grpc__start(struct bpfki_daemon *d, const char *addr, char *err,
						size_t len)
{
	auto s = new serve_grpc;
	grpc::ServerBuilder builder;

	grpc::EnableDefaultHealthCheckService(true);
	s->service = std::make_unique<Service>(d);
	builder.AddListeningPort(addr, grpc::InsecureServerCredentials(), &s->port);
	builder.RegisterService(s->service.get());
	s->server = builder.BuildAndStart();
	if (!s->server || (s->port == 0 && std::string(addr).rfind("unix:", 0) != 0)) {
		std::snprintf(err, len, "cannot listen on %s (in use, or not an address:port)", addr);
		if (s->server)
			s->server->Shutdown();
		delete s;
		return nullptr;
	}
	/* "": the whole server, as grpc_health_probe asks by default; and the service by name */
	s->server->GetHealthCheckService()->SetServingStatus("", true);
	s->server->GetHealthCheckService()->SetServingStatus("bpfki.BPFKIService", true);
	return s;
}

extern "C" int serve_grpc__port(const struct serve_grpc *s)
{
	return s->port;
}

extern "C" void serve_grpc__stop(struct serve_grpc *s, int grace_ms)
{
	if (!s)
		return;
	s->server->GetHealthCheckService()->SetServingStatus(false);
	s->server->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(grace_ms));
	s->server->Wait();
	delete s;
}
