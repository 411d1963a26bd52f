#include "nplab/util/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>

#include "nplab/util/checks.h"

namespace nplab::util {
namespace {

namespace fs = std::filesystem;

std::mutex hook_mutex;
std::function<void(const fs::path&)> before_rename_hook;

fs::path folder_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

std::string temporary_prefix(const fs::path& path) {
  return "." + path.filename().string() + ".tmp-";
}

/// Closes a descriptor when it goes out of scope.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  /// Closes now, reporting the error close() may return (a deferred write error on NFS).
  bool close() {
    const int fd = std::exchange(fd_, -1);
    return fd < 0 || ::close(fd) == 0;
  }

 private:
  int fd_;
};

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

}  // namespace

std::vector<fs::path> stale_temporary_files(const fs::path& path) {
  std::vector<fs::path> stale;
  const auto prefix = temporary_prefix(path);
  std::error_code error;
  for (fs::directory_iterator it(folder_of(path), error), end; !error && it != end;
       it.increment(error)) {
    const auto name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const auto pid_text = name.substr(prefix.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto pid = static_cast<pid_t>(std::stoll(pid_text));
    // ESRCH: no such process. A live writer (this process included) keeps its file.
    if (pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH) stale.push_back(it->path());
  }
  return stale;
}

void set_before_rename_hook(std::function<void(const fs::path&)> hook) {
  const std::lock_guard lock(hook_mutex);
  before_rename_hook = std::move(hook);
}

void write_file_atomically(const fs::path& path, std::string_view content) {
  const fs::path folder = folder_of(path);
  for (const auto& stale : stale_temporary_files(path)) {
    std::error_code ignored;
    fs::remove(stale, ignored);
  }
  const fs::path temporary = folder / (temporary_prefix(path) + std::to_string(::getpid()));
  // Removes the temporary file on every way out but a successful rename, exceptions included.
  struct RemoveUnlessRenamed {
    const fs::path& file;
    bool renamed = false;
    ~RemoveUnlessRenamed() {
      std::error_code ignored;
      if (!renamed) fs::remove(file, ignored);
    }
  } cleanup{temporary};
  const auto fail = [&](const std::string& why) {
    const int code = errno;
    throw util::InvalidArgument(path.string() + ": " + why +
                                (code != 0 ? std::string(": ") + std::strerror(code) : ""));
  };
  errno = 0;
  {
    Descriptor file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (file.get() < 0) fail("cannot create a file in " + folder.string());
    if (!write_all(file.get(), content)) fail("write error");
    if (::fsync(file.get()) != 0) fail("cannot sync the file to disk");
    if (!file.close()) fail("write error on close");
  }
  std::function<void(const fs::path&)> hook;
  {
    const std::lock_guard lock(hook_mutex);
    hook = before_rename_hook;
  }
  if (hook) hook(path);
  errno = 0;
  if (::rename(temporary.c_str(), path.c_str()) != 0) fail("cannot replace the file");
  cleanup.renamed = true;
  // The rename is durable only once the folder's entry is on disk.
  const Descriptor directory(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() >= 0) ::fsync(directory.get());
}

}  // namespace nplab::util
