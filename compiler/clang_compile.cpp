// In-process clang for BPF: the C API of clang_compile.h over clang's C++
// driver and frontend. This is kfault's only C++ file; keep C++ inside it.
//
// Pipeline: clang::driver::Driver turns ordinary clang arguments into one
// "-cc1" job, CompilerInvocation parses that job's arguments, and a
// CompilerInstance runs EmitObjAction with the source files served from an
// in-memory file system and the object written to a memory buffer.
// (clang::createInvocation() would be shorter but always adds -fsyntax-only,
// so no object would be emitted.)

#include "clang_compile.h"
#include "opts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticIDs.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Basic/TargetInfo.h>
#include <clang/CodeGen/BackendUtil.h>
#include <clang/CodeGen/CodeGenAction.h>
#include <clang/Driver/Compilation.h>
#include <clang/Driver/Driver.h>
#include <clang/Driver/Job.h>
#include <clang/Driver/Tool.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/PassManager.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/Casting.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#ifdef KF_STUB_POLLY_PLUGIN
#include <llvm/Passes/PassPlugin.h>
#endif

// Set by cmake/llvm.cmake from LLVM's CMake data.
#ifndef KF_CLANG_RESOURCE_DIR
#error "KF_CLANG_RESOURCE_DIR must be defined by the build"
#endif
#ifndef KF_CLANG_EXECUTABLE
#error "KF_CLANG_EXECUTABLE must be defined by the build"
#endif

extern "C" {
// From libLLVM; declared by hand because llvm/Config/Targets.def lists every
// target and we register only BPF.
void LLVMInitializeBPFTargetInfo(void);
void LLVMInitializeBPFTarget(void);
void LLVMInitializeBPFTargetMC(void);
void LLVMInitializeBPFAsmPrinter(void);
}

#ifdef KF_STUB_POLLY_PLUGIN
// Debian's LLVM is built with Polly linked into its tools, so clang's static
// CodeGen registers Polly's passes through this function, but only the
// plugin (LLVMPolly.so) is installed, no static Polly library. BPF needs no
// Polly: register nothing. (Static LLVM builds only; see cmake/llvm.cmake.)
llvm::PassPluginLibraryInfo getPollyPluginInfo()
{
	return {LLVM_PLUGIN_API_VERSION, "kfault-no-polly", "0",
		[](llvm::PassBuilder &) {}};
}
#endif

#define KF_RESOURCE_DIR_ENV "KFAULT_CLANG_RESOURCE_DIR"
#define KF_DEFAULT_MAIN_NAME "kfault.bpf.c"
/*
 * A safety net against a clang that hangs, not a budget: a compile takes
 * ~0.15 s on the host but can take tens of seconds in a loaded emulated
 * (TCG) guest, where 'kfault run FILE.fault' compiles too.
 */
#define KF_DEFAULT_TIMEOUT_MS 300000u

#if defined(__x86_64__) || defined(__i386__)
#define KF_HOST_ARCH "x86"
#elif defined(__aarch64__)
#define KF_HOST_ARCH "arm64"
#elif defined(__s390x__)
#define KF_HOST_ARCH "s390"
#elif defined(__powerpc64__)
#define KF_HOST_ARCH "powerpc"
#elif defined(__riscv)
#define KF_HOST_ARCH "riscv"
#elif defined(__loongarch__)
#define KF_HOST_ARCH "loongarch"
#else
#error "unknown host architecture: add its __TARGET_ARCH_ name"
#endif

struct kf_cc_result {
	void *obj;
	size_t obj_size;
	struct kf_cc_diag *diags;
	size_t ndiags;
};

namespace {

// One diagnostic while it is being collected (C++ side, either process).
struct Diag {
	bool has_file = false;
	std::string file;
	int line = 0;
	int col = 0;
	enum kf_cc_severity severity = KF_CC_ERROR;
	std::string message;
};

// Everything one compile produces, before it becomes a kf_cc_result.
struct Outcome {
	int err = 0;
	std::vector<char> obj;
	std::vector<Diag> diags;

	void error(const std::string &msg)
	{
		Diag d;
		d.message = msg;
		diags.push_back(std::move(d));
	}
};

// Options with defaults applied and fields beyond the caller's sz zeroed.
struct Options {
	std::string main_name = KF_DEFAULT_MAIN_NAME;
	std::vector<kf_vfile> files;
	std::vector<std::string> extra_args;
	std::string resource_dir;
	std::string target_arch = KF_HOST_ARCH;
	bool in_process = false;
	unsigned int timeout_ms = KF_DEFAULT_TIMEOUT_MS;
	std::string frontend_target; // empty: bpf
	bool no_dwarf = false;
};

// Leaves DWARF out of the object, and BTF in: LLVM's AsmPrinter makes no
// DWARF writer for a module with the CodeView flag and no DWARF version
// (it writes CodeView only for Windows), and BPF's BTF writer looks at
// neither. Flags, not clang's -gcodeview, which also changes the debug
// information that BTF is made from (names anonymous structs after their
// typedef, for one). Run before the optimisation pipeline; the AsmPrinter
// reads the flags after it.
struct NoDwarfPass : llvm::PassInfoMixin<NoDwarfPass> {
	llvm::PreservedAnalyses run(llvm::Module &m, llvm::ModuleAnalysisManager &)
	{
		m.setModuleFlag(llvm::Module::Max, "Dwarf Version", 0u);
		m.setModuleFlag(llvm::Module::Warning, "CodeView", 1u);
		return llvm::PreservedAnalyses::all();
	}
};

void add_no_dwarf(clang::CodeGenOptions &cg)
{
	cg.PassBuilderCallbacks.push_back([](llvm::PassBuilder &pb) {
		pb.registerPipelineStartEPCallback(
			[](llvm::ModulePassManager &mpm, llvm::OptimizationLevel) {
				mpm.addPass(NoDwarfPass());
			});
	});
}

// Turns clang diagnostics into Diag records; prints nothing.
class Collector : public clang::DiagnosticConsumer {
public:
	explicit Collector(Outcome &out) : out_(out) {}

	void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
			      const clang::Diagnostic &info) override
	{
		// Keeps the error and warning counts.
		DiagnosticConsumer::HandleDiagnostic(level, info);

		Diag d;
		switch (level) {
		case clang::DiagnosticsEngine::Ignored:
			return;
		case clang::DiagnosticsEngine::Note:
		case clang::DiagnosticsEngine::Remark:
			d.severity = KF_CC_NOTE;
			break;
		case clang::DiagnosticsEngine::Warning:
			d.severity = KF_CC_WARNING;
			break;
		case clang::DiagnosticsEngine::Error:
		case clang::DiagnosticsEngine::Fatal:
			d.severity = KF_CC_ERROR;
			break;
		}

		llvm::SmallString<256> msg;
		info.FormatDiagnostic(msg);
		d.message = msg.str().str();
		// Name the flag like clang's own printer does, so users know
		// what controls a warning.
		llvm::StringRef flag =
			clang::DiagnosticIDs::getWarningOptionForDiag(info.getID());
		if (!flag.empty() && level != clang::DiagnosticsEngine::Note)
			d.message += " [-W" + flag.str() + "]";

		if (info.hasSourceManager() && info.getLocation().isValid()) {
			clang::PresumedLoc pl = info.getSourceManager().getPresumedLoc(
				info.getLocation());
			if (pl.isValid()) {
				llvm::StringRef file = pl.getFilename();

				// Quoted includes next to the main file come
				// back as "./name"; show the name as given.
				file.consume_front("./");
				d.has_file = true;
				d.file = file.str();
				d.line = (int)pl.getLine();
				d.col = (int)pl.getColumn();
			}
		}
		out_.diags.push_back(std::move(d));
	}

private:
	Outcome &out_;
};

// Set once an in-process compile may have left CO-RE state in LLVM: its
// BPF backend (BPFAbstractMemberAccess) caches the globals it creates for
// CO-RE relocations in a static map keyed by access string, across modules.
// The next compile that makes the same access finds a global of the freed
// module of the previous compile and crashes (seen: SIGSEGV in
// LoadInst::LoadInst). A forked child inherits the map, so from then on
// every compile in this process is refused.
std::atomic<bool> core_state_dirty{false};

// Whether obj has CO-RE relocations: a .BTF.ext whose header
// (struct btf_ext_header: hdr_len at 4, core_relo_len at 28) has some.
bool has_core_relocs(const std::vector<char> &obj)
{
	llvm::MemoryBufferRef ref(llvm::StringRef(obj.data(), obj.size()), "obj");
	auto file = llvm::object::ObjectFile::createObjectFile(ref);

	if (!file) {
		llvm::consumeError(file.takeError());
		return true; // cannot tell: assume the worst
	}
	for (const llvm::object::SectionRef &sec : (*file)->sections()) {
		llvm::Expected<llvm::StringRef> name = sec.getName();
		llvm::Expected<llvm::StringRef> data = llvm::StringRef();
		uint32_t hdr_len, core_relo_len;

		if (!name) {
			llvm::consumeError(name.takeError());
			continue;
		}
		if (*name != ".BTF.ext")
			continue;
		data = sec.getContents();
		if (!data) {
			llvm::consumeError(data.takeError());
			return true;
		}
		if (data->size() < 32)
			return false;
		memcpy(&hdr_len, data->data() + 4, 4);
		memcpy(&core_relo_len, data->data() + 28, 4);
		return hdr_len >= 32 && core_relo_len > 0;
	}
	return false;
}

void init_llvm_once()
{
	static std::once_flag once;
	std::call_once(once, [] {
		LLVMInitializeBPFTargetInfo();
		LLVMInitializeBPFTarget();
		LLVMInitializeBPFTargetMC();
		LLVMInitializeBPFAsmPrinter();
	});
}

bool resource_dir_ok(const std::string &dir)
{
	struct stat st;
	std::string probe = dir + "/include/stddef.h";

	return stat(probe.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The real file system, for absolute paths only. A relative name is one of
// our files in memory (the overlay finds those first) or nothing: never a
// file of the working directory, which a quoted #include, or clang's
// recovery from a missing <header> (it tries "header"), would otherwise
// open (./NAME.h: a link to /etc/shadow was parsed). Include directories
// are given as absolute paths.
class AbsoluteOnlyFS : public llvm::vfs::ProxyFileSystem {
public:
	explicit AbsoluteOnlyFS(llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> fs)
		: ProxyFileSystem(std::move(fs)) {}

	llvm::ErrorOr<llvm::vfs::Status> status(const llvm::Twine &path) override
	{
		if (!llvm::sys::path::is_absolute(path))
			return std::make_error_code(std::errc::no_such_file_or_directory);
		return ProxyFileSystem::status(path);
	}

	llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>>
	openFileForRead(const llvm::Twine &path) override
	{
		if (!llvm::sys::path::is_absolute(path))
			return std::make_error_code(std::errc::no_such_file_or_directory);
		return ProxyFileSystem::openFileForRead(path);
	}

	llvm::vfs::directory_iterator dir_begin(const llvm::Twine &dir,
						std::error_code &ec) override
	{
		if (!llvm::sys::path::is_absolute(dir)) {
			ec = std::make_error_code(std::errc::no_such_file_or_directory);
			return {};
		}
		return ProxyFileSystem::dir_begin(dir, ec);
	}
};

// The cc1 invocation the driver makes of our arguments: for BPF, or with
// frontend (and o.frontend_target) for the first stage of a two-stage
// compile. NULL, with out.err set, on failure.
std::shared_ptr<clang::CompilerInvocation>
make_invocation(const Options &o, llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> fs,
		clang::DiagnosticsEngine &driver_diags, bool frontend, Outcome &out)
{
	std::string arch_def = "-D__TARGET_ARCH_" + o.target_arch;
	const char *target = frontend ? o.frontend_target.c_str() : "bpf";
	std::vector<const char *> argv = {
		KF_CLANG_EXECUTABLE, "-target", target, "-O2", "-g",
		arch_def.c_str(), "-resource-dir", o.resource_dir.c_str(),
	};
	if (!frontend)
		argv.push_back("-mcpu=v3");
	for (const std::string &a : o.extra_args)
		argv.push_back(a.c_str());
	argv.insert(argv.end(), {"-c", o.main_name.c_str(), "-o", "kfault.o"});

	clang::driver::Driver driver(KF_CLANG_EXECUTABLE, target, driver_diags,
				     "kfault", fs);
	std::unique_ptr<clang::driver::Compilation> comp(
		driver.BuildCompilation(argv));
	if (!comp || driver_diags.hasErrorOccurred()) {
		out.err = -ENOEXEC;
		return nullptr;
	}

	const clang::driver::JobList &jobs = comp->getJobs();
	const clang::driver::Command *cmd = nullptr;
	if (jobs.size() == 1)
		cmd = llvm::dyn_cast<clang::driver::Command>(&*jobs.begin());
	if (!cmd || llvm::StringRef(cmd->getCreator().getName()) != "clang") {
		out.error("internal error: clang driver did not produce exactly "
			  "one compile job (extra arguments like -### or "
			  "-save-temps are not supported)");
		out.err = -ENOEXEC;
		return nullptr;
	}

	auto inv = std::make_shared<clang::CompilerInvocation>();
	if (!clang::CompilerInvocation::CreateFromArgs(
		    *inv, cmd->getArguments(), driver_diags, argv[0]) ||
	    driver_diags.hasErrorOccurred()) {
		out.err = -ENOEXEC;
		return nullptr;
	}
	// The driver asks cc1 to leak its AST and friends for speed at exit;
	// we are not exiting.
	inv->getFrontendOpts().DisableFree = false;
	// "N errors generated." would go to stderr.
	inv->getDiagnosticOpts().ShowCarets = false;
	return inv;
}

// The actual compile, in whatever process calls it. Fills out.err.
void compile_here(const std::string &src, const Options &o, Outcome &out)
{
	if (!resource_dir_ok(o.resource_dir)) {
		out.error("clang resource directory '" + o.resource_dir +
			  "' is unusable (no include/stddef.h in it); set " +
			  KF_RESOURCE_DIR_ENV + " to clang 19's resource "
			  "directory (`clang-19 -print-resource-dir`)");
		out.err = -ENOENT;
		return;
	}
	init_llvm_once();

	// Our files in memory, on top of the real file system so that the
	// resource dir and /usr/include/bpf are still found. Pushing the
	// overlay gives the memory layer the process's working directory, so
	// relative names land next to each other.
	auto real_fs = llvm::makeIntrusiveRefCnt<AbsoluteOnlyFS>(llvm::vfs::getRealFileSystem());
	auto mem_fs = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
	auto fs = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(real_fs);
	fs->pushOverlay(mem_fs);
	mem_fs->addFile(o.main_name, 0,
			llvm::MemoryBuffer::getMemBufferCopy(src, o.main_name));
	for (const kf_vfile &f : o.files)
		mem_fs->addFile(f.name, 0,
				llvm::MemoryBuffer::getMemBufferCopy(
					llvm::StringRef(f.data, f.size), f.name));

	Collector collector(out);
	// Driver-level problems (bad arguments, missing input) come through
	// this engine; the compile itself gets its own engine below.
	llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> diag_opts =
		new clang::DiagnosticOptions();
	clang::DiagnosticsEngine driver_diags(new clang::DiagnosticIDs(),
					      diag_opts, &collector, false);

	bool two_stage = !o.frontend_target.empty();
	std::shared_ptr<clang::CompilerInvocation> inv =
		make_invocation(o, fs, driver_diags, false, out);
	if (!inv)
		return;
	if (o.no_dwarf)
		add_no_dwarf(inv->getCodeGenOpts());
	// Two stages: the front end for frontend_target, to LLVM IR only
	// (its optimisation is the BPF stage's), then BPF.
	std::shared_ptr<clang::CompilerInvocation> fe_inv = inv;
	if (two_stage) {
		fe_inv = make_invocation(o, fs, driver_diags, true, out);
		if (!fe_inv)
			return;
		fe_inv->getCodeGenOpts().DisableLLVMPasses = true;
	}

	clang::CompilerInstance ci;
	ci.setInvocation(fe_inv);
	ci.createDiagnostics(&collector, false);
	ci.createFileManager(fs);
	ci.setVerboseOutputStream(std::make_unique<llvm::raw_null_ostream>());
	llvm::SmallVector<char, 0> obj;

	bool ok;
	if (!two_stage) {
		ci.setOutputStream(std::make_unique<llvm::raw_svector_ostream>(obj));
		clang::EmitObjAction act;
		ok = ci.ExecuteAction(act);
	} else {
		llvm::LLVMContext ctx;
		clang::EmitLLVMOnlyAction act(&ctx);
		ok = ci.ExecuteAction(act) && collector.getNumErrors() == 0;
		std::unique_ptr<llvm::Module> mod = ok ? act.takeModule() : nullptr;
		if (mod) {
			std::shared_ptr<clang::TargetOptions> topts =
				std::make_shared<clang::TargetOptions>(inv->getTargetOpts());
			std::unique_ptr<clang::TargetInfo> ti(
				clang::TargetInfo::CreateTargetInfo(ci.getDiagnostics(), topts));
			if (!ti) {
				out.error("internal error: no BPF target in this LLVM");
				out.err = -ENOEXEC;
				return;
			}
			// Now a BPF module: the front end's target and its
			// per-function CPU and features go.
			mod->setTargetTriple(inv->getTargetOpts().Triple);
			mod->setDataLayout(ti->getDataLayoutString());
			for (llvm::Function &f : *mod) {
				f.removeFnAttr("target-cpu");
				f.removeFnAttr("target-features");
				f.removeFnAttr("tune-cpu");
			}
			clang::EmitBackendOutput(
				ci.getDiagnostics(), inv->getHeaderSearchOpts(),
				inv->getCodeGenOpts(), inv->getTargetOpts(),
				inv->getLangOpts(), ti->getDataLayoutString(),
				mod.get(), clang::Backend_EmitObj, fs,
				std::make_unique<llvm::raw_svector_ostream>(obj));
		}
	}
	if (!ok || collector.getNumErrors() > 0 || obj.empty()) {
		if (collector.getNumErrors() == 0)
			out.error("internal error: clang failed without a "
				  "diagnostic");
		out.err = -ENOEXEC;
		return;
	}
	out.obj.assign(obj.begin(), obj.end());
	out.err = 0;
}

// ---- Isolated mode: the child sends its Outcome over a pipe. ----
//
// Wire format, host byte order (both ends are the same binary):
//   u32 magic, i32 err, u64 obj size, obj bytes, u32 ndiags, then per diag
//   i32 severity, i32 line, i32 col, str file, str message,
// where str is a u32 length (UINT32_MAX for "no file") and the bytes.

const uint32_t kWireMagic = 0x4b464343; // "KFCC"
const uint32_t kNoString = UINT32_MAX;

template <typename T> void put(std::string &buf, T v)
{
	buf.append(reinterpret_cast<const char *>(&v), sizeof(v));
}

void put_str(std::string &buf, bool present, const std::string &s)
{
	put<uint32_t>(buf, present ? (uint32_t)s.size() : kNoString);
	if (present)
		buf.append(s);
}

std::string serialize(const Outcome &out)
{
	std::string buf;

	put<uint32_t>(buf, kWireMagic);
	put<int32_t>(buf, out.err);
	put<uint64_t>(buf, out.obj.size());
	buf.append(out.obj.data(), out.obj.size());
	put<uint32_t>(buf, (uint32_t)out.diags.size());
	for (const Diag &d : out.diags) {
		put<int32_t>(buf, d.severity);
		put<int32_t>(buf, d.line);
		put<int32_t>(buf, d.col);
		put_str(buf, d.has_file, d.file);
		put_str(buf, true, d.message);
	}
	return buf;
}

class Reader {
public:
	explicit Reader(const std::string &buf) : buf_(buf) {}

	template <typename T> bool get(T &v)
	{
		if (buf_.size() - pos_ < sizeof(v))
			return false;
		memcpy(&v, buf_.data() + pos_, sizeof(v));
		pos_ += sizeof(v);
		return true;
	}

	bool bytes(size_t n, std::string &s)
	{
		if (buf_.size() - pos_ < n)
			return false;
		s.assign(buf_, pos_, n);
		pos_ += n;
		return true;
	}

	bool str(bool &present, std::string &s)
	{
		uint32_t n;

		if (!get(n))
			return false;
		present = n != kNoString;
		return present ? bytes(n, s) : true;
	}

	bool at_end() const { return pos_ == buf_.size(); }

private:
	const std::string &buf_;
	size_t pos_ = 0;
};

bool deserialize(const std::string &buf, Outcome &out)
{
	Reader r(buf);
	uint32_t magic, ndiags;
	int32_t err;
	uint64_t obj_size;
	std::string obj;

	if (!r.get(magic) || magic != kWireMagic || !r.get(err) ||
	    !r.get(obj_size) || obj_size > buf.size() ||
	    !r.bytes((size_t)obj_size, obj) || !r.get(ndiags))
		return false;
	for (uint32_t i = 0; i < ndiags; i++) {
		Diag d;
		int32_t sev;
		bool present;

		if (!r.get(sev) || !r.get(d.line) || !r.get(d.col) ||
		    !r.str(d.has_file, d.file) || !r.str(present, d.message))
			return false;
		d.severity = (enum kf_cc_severity)sev;
		out.diags.push_back(std::move(d));
	}
	if (!r.at_end())
		return false;
	out.err = err;
	out.obj.assign(obj.begin(), obj.end());
	return true;
}

bool write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

// The child's state for the LLVM fatal error handler, which must not return.
struct ChildCtx {
	Outcome *out;
	int fd;
};

void child_send_and_exit(Outcome &out, int fd, int status)
{
	std::string buf = serialize(out);

	_exit(write_all(fd, buf.data(), buf.size()) ? status : 127);
}

void child_fatal_error(void *user, const char *reason, bool)
{
	ChildCtx *ctx = static_cast<ChildCtx *>(user);

	ctx->out->error(std::string("internal compiler error: ") + reason);
	ctx->out->err = -ECHILD;
	child_send_and_exit(*ctx->out, ctx->fd, 0);
}

[[noreturn]] void child_main(const std::string &src, const Options &o, int fd,
			     int out_fd)
{
	Outcome out;
	ChildCtx ctx = {&out, fd};

	// A crash must kill the child, whatever handlers the caller has
	// (a test framework's longjmp handler would resume the caller's code
	// in the child).
	for (int sig : {SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGABRT, SIGTRAP, SIGSYS})
		signal(sig, SIG_DFL);
	// Anything LLVM prints raw goes to a memory file the parent reads.
	dup2(out_fd, STDOUT_FILENO);
	dup2(out_fd, STDERR_FILENO);
	llvm::install_fatal_error_handler(child_fatal_error, &ctx);
	compile_here(src, o, out);
	child_send_and_exit(out, fd, 0);
	_exit(127); // not reached
}

long long now_ms()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// Reads the child's whole message. Returns 0, -ETIMEDOUT or -errno.
int read_child(int fd, unsigned int timeout_ms, std::string &buf)
{
	long long deadline = now_ms() + timeout_ms;
	char chunk[65536];

	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd pfd = {fd, POLLIN, 0};
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;

		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		buf.append(chunk, (size_t)r);
	}
}

// What the child printed raw (a crash report, "LLVM ERROR: ..."), trimmed.
std::string read_captured(int fd)
{
	std::string s;
	char chunk[4096];
	ssize_t r;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return s;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0 && s.size() < 16384)
		s.append(chunk, (size_t)r);
	while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
		s.pop_back();
	return s;
}

void compile_isolated(const std::string &src, const Options &o, Outcome &out)
{
	int pipefd[2], cap_fd, status = 0, err;
	std::string buf, captured;
	pid_t pid, w;

	// The child's stdout/stderr: a memory file, readable after it exits.
	cap_fd = memfd_create("kfault-cc-output", MFD_CLOEXEC);
	if (cap_fd < 0) {
		out.err = -errno;
		out.error(std::string("memfd_create: ") + strerror(errno));
		return;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		out.err = -errno;
		out.error(std::string("pipe: ") + strerror(errno));
		goto close_cap;
	}

	// Unflushed stdio data would otherwise be written twice if the child
	// flushed it.
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		out.err = -errno;
		out.error(std::string("fork: ") + strerror(errno));
		goto close_pipe;
	}
	if (pid == 0) {
		close(pipefd[0]);
		child_main(src, o, pipefd[1], cap_fd);
	}
	close(pipefd[1]);
	pipefd[1] = -1;

	err = read_child(pipefd[0], o.timeout_ms, buf);
	if (err == -ETIMEDOUT)
		kill(pid, SIGKILL);
	// Always reap, even after a timeout, so no zombie is left.
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	captured = read_captured(cap_fd);

	if (err == -ETIMEDOUT) {
		out.err = -ETIMEDOUT;
		out.error("internal compiler timeout: clang ran longer than " +
			  std::to_string(o.timeout_ms) + " ms");
	} else if (w == pid && WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		out.err = -ECHILD;
		out.error("internal compiler crash (signal " +
			  std::to_string(sig) + ", " + strsignal(sig) + ")");
	} else if (err < 0) {
		out.err = err;
		out.error(std::string("reading from the compiler process: ") +
			  strerror(-err));
	} else if ((w == pid && (!WIFEXITED(status) ||
				 WEXITSTATUS(status) != 0)) ||
		   !deserialize(buf, out)) {
		// (w != pid only if the caller reaps children itself, e.g.
		// SIGCHLD ignored: then the message decides.)
		out.err = -ECHILD;
		out.error("internal compiler failure (exit status " +
			  std::to_string(WIFEXITED(status) ?
						 WEXITSTATUS(status) : -1) +
			  ")");
	}
	if (!captured.empty()) {
		Diag d;
		d.severity = KF_CC_NOTE;
		d.message = "compiler output: " + captured;
		out.diags.push_back(std::move(d));
	}

close_pipe:
	close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
close_cap:
	close(cap_fd);
}

// libbpf's OPTS_VALID and OPTS_GET (runtime/opts.h): older callers get
// defaults for newer fields; a newer caller's extra fields must be zero.
bool opts_valid(const kf_cc_opts *opts)
{
	return kf_opts_valid(opts, sizeof(*opts));
}

int make_options(const kf_cc_opts *opts, Options &o)
{
	const char *main_name = KF_OPTS_GET(opts, main_name, nullptr);
	const kf_vfile *files = KF_OPTS_GET(opts, files, nullptr);
	size_t nfiles = KF_OPTS_GET(opts, nfiles, 0);
	const char *const *extra = KF_OPTS_GET(opts, extra_args, nullptr);
	size_t nextra = KF_OPTS_GET(opts, nextra, 0);
	const char *rdir = KF_OPTS_GET(opts, resource_dir, nullptr);
	const char *arch = KF_OPTS_GET(opts, target_arch, nullptr);
	unsigned int timeout = KF_OPTS_GET(opts, timeout_ms, 0u);
	const char *fe_target = KF_OPTS_GET(opts, frontend_target, nullptr);

	if (!opts_valid(opts) || (nfiles && !files) || (nextra && !extra))
		return -EINVAL;
	if (main_name) {
		// The driver would read "-" from stdin, "-x" as an option.
		if (!*main_name || *main_name == '-')
			return -EINVAL;
		o.main_name = main_name;
	}
	for (size_t i = 0; i < nfiles; i++) {
		if (!files[i].name || !*files[i].name ||
		    (files[i].size && !files[i].data) ||
		    o.main_name == files[i].name)
			return -EINVAL;
		// The memory file system would keep the first silently.
		for (const kf_vfile &f : o.files)
			if (!strcmp(f.name, files[i].name))
				return -EINVAL;
		o.files.push_back(files[i]);
	}
	for (size_t i = 0; i < nextra; i++) {
		if (!extra[i])
			return -EINVAL;
		o.extra_args.push_back(extra[i]);
	}
	o.resource_dir = rdir ? rdir : kf_cc_default_resource_dir();
	if (arch) {
		if (!*arch)
			return -EINVAL;
		o.target_arch = arch;
	}
	o.in_process = KF_OPTS_GET(opts, in_process, false);
	o.no_dwarf = KF_OPTS_GET(opts, no_dwarf, false);
	if (timeout)
		o.timeout_ms = timeout;
	if (fe_target) {
		if (!*fe_target || *fe_target == '-')
			return -EINVAL;
		o.frontend_target = fe_target;
	}
	return 0;
}

char *dup_cstr(const std::string &s)
{
	char *p = (char *)malloc(s.size() + 1);

	if (p)
		memcpy(p, s.c_str(), s.size() + 1);
	return p;
}

// Converts to the C result; NULL (ENOMEM) if an allocation fails.
kf_cc_result *make_result(const Outcome &out)
{
	kf_cc_result *r = (kf_cc_result *)calloc(1, sizeof(*r));

	if (!r)
		return nullptr;
	if (!out.obj.empty()) {
		r->obj = malloc(out.obj.size());
		if (!r->obj)
			goto free_result;
		memcpy(r->obj, out.obj.data(), out.obj.size());
		r->obj_size = out.obj.size();
	}
	if (!out.diags.empty()) {
		r->diags = (kf_cc_diag *)calloc(out.diags.size(),
						sizeof(*r->diags));
		if (!r->diags)
			goto free_result;
	}
	for (const Diag &d : out.diags) {
		kf_cc_diag *cd = &r->diags[r->ndiags++];

		cd->line = d.line;
		cd->col = d.col;
		cd->severity = d.severity;
		cd->message = dup_cstr(d.message);
		if (!cd->message)
			goto free_result;
		if (d.has_file) {
			cd->file = dup_cstr(d.file);
			if (!cd->file)
				goto free_result;
		}
	}
	return r;

free_result:
	kf_cc_result__free(r);
	return nullptr;
}

} // namespace

extern "C" {

// kf_cc_reserve_heap()'s stretch of small pages below a 2 MiB boundary,
// allocated for good and never used. Volatile: a compiler may drop a
// malloc() whose result is never read (g++ 12 did, even stored in a static,
// and the allocations that followed filled the stretch).
static void *volatile reserve_gap;

int kf_cc_reserve_heap(size_t size)
{
	// glibc's largest mmap threshold on 64-bit is 32 MiB; below it, a
	// block comes from the heap (sbrk).
	const size_t max = 30u << 20, huge = 2u << 20;
	uintptr_t start, end;
	char *p;
	int err = 0;

	if (size > max)
		size = max;
	// A sanitizer's malloc, for one, takes no such settings.
	if (!mallopt(M_MMAP_THRESHOLD, 32 << 20) ||
	    !mallopt(M_TRIM_THRESHOLD, INT_MAX))
		return -EOPNOTSUPP;
	p = (char *)malloc(size);
	if (!p)
		return -ENOMEM;
	// The allocations that follow start where p does: up to the next
	// 2 MiB boundary, that is small pages. Leave that stretch allocated,
	// never used, so that they start on the boundary instead (unless it
	// is shorter than 64 KiB: a few small pages, left to them).
	start = ((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1);
	if (start - (uintptr_t)p >= 64 << 10) {
		size_t gap = start - (uintptr_t)p;	/* before free(p): p is not read after */

		free(p);
		reserve_gap = malloc(gap - 64);
		p = (char *)malloc(size);
		if (!p) {
			free(reserve_gap);
			reserve_gap = nullptr;
			return -ENOMEM;
		}
	}
	// The whole 2 MiB pages inside it.
	start = ((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1);
	end = ((uintptr_t)p + size) & ~(uintptr_t)(huge - 1);
	if (end > start && madvise((void *)start, end - start, MADV_HUGEPAGE))
		err = -errno;
	// Back to the top of the heap, for the next allocations.
	free(p);
	return err;
}

const char *kf_cc_default_resource_dir(void)
{
	const char *env = getenv(KF_RESOURCE_DIR_ENV);

	return env && *env ? env : KF_CLANG_RESOURCE_DIR;
}

int kf_cc_compile(const char *src, size_t len, const struct kf_cc_opts *opts,
		  struct kf_cc_result **res)
{
	Options o;
	Outcome out;
	int err;

	if (!res)
		return -EINVAL;
	*res = nullptr;
	if (!src && len)
		return -EINVAL;
	err = make_options(opts, o);
	if (err)
		return err;

	// C++ exceptions must not cross into C callers.
	try {
		std::string source(src ? src : "", len);

		if (core_state_dirty) {
			out.err = -EALREADY;
			out.error("an earlier in-process compile in this process "
				  "made CO-RE relocations, and LLVM 19's BPF "
				  "backend keeps state from it that breaks every "
				  "later compile here (isolated ones inherit it): "
				  "compile in-process only once, after any "
				  "isolated compiles");
		} else if (o.in_process) {
			compile_here(source, o, out);
			// A failed compile may have stopped after the CO-RE
			// pass ran: assume it did.
			if (out.err || has_core_relocs(out.obj))
				core_state_dirty = true;
		} else {
			compile_isolated(source, o, out);
		}
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}

	*res = make_result(out);
	if (!*res)
		return -ENOMEM;
	return out.err;
}

const void *kf_cc_result__object(const struct kf_cc_result *r, size_t *size)
{
	if (!r || !r->obj) {
		errno = r ? ENOENT : EINVAL;
		return nullptr;
	}
	if (size)
		*size = r->obj_size;
	return r->obj;
}

size_t kf_cc_result__diag_cnt(const struct kf_cc_result *r)
{
	return r ? r->ndiags : 0;
}

const struct kf_cc_diag *kf_cc_result__diag(const struct kf_cc_result *r,
					    size_t i)
{
	if (!r || i >= r->ndiags) {
		errno = EINVAL;
		return nullptr;
	}
	return &r->diags[i];
}

size_t kf_cc_result__error_cnt(const struct kf_cc_result *r)
{
	size_t n = 0;

	for (size_t i = 0; r && i < r->ndiags; i++)
		n += r->diags[i].severity == KF_CC_ERROR;
	return n;
}

void kf_cc_result__print(const struct kf_cc_result *r, FILE *f)
{
	for (size_t i = 0; r && i < r->ndiags; i++) {
		const kf_cc_diag *d = &r->diags[i];

		if (d->file)
			fprintf(f, "%s:%d:%d: ", d->file, d->line, d->col);
		fprintf(f, "%s: %s\n", kf_cc_severity_str(d->severity),
			d->message);
	}
}

void kf_cc_result__free(struct kf_cc_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ndiags; i++) {
		free(r->diags[i].file);
		free(r->diags[i].message);
	}
	free(r->diags);
	free(r->obj);
	free(r);
}

const char *kf_cc_severity_str(enum kf_cc_severity s)
{
	switch (s) {
	case KF_CC_NOTE:
		return "note";
	case KF_CC_WARNING:
		return "warning";
	case KF_CC_ERROR:
		return "error";
	}
	return "unknown";
}

} // extern "C"
