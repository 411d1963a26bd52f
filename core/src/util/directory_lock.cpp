#include "nplab/util/directory_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace nplab::util {

DirectoryLock::DirectoryLock(const std::filesystem::path& file) {
  const auto directory = std::filesystem::absolute(file).parent_path();
  descriptor_ = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (descriptor_ < 0 || ::flock(descriptor_, LOCK_EX) != 0) {
    const std::string reason = std::strerror(errno);
    if (descriptor_ >= 0) ::close(descriptor_);
    throw std::runtime_error("cannot lock " + directory.string() + ": " + reason);
  }
}

DirectoryLock::~DirectoryLock() { ::close(descriptor_); }

}  // namespace nplab::util
