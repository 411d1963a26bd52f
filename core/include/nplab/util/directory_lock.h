#pragma once
// An exclusive advisory lock (flock) on the folder that holds a file, so that processes writing
// files there (model cards of one checkpoint, from several `eval --write-card`) take turns. A
// folder rather than a lock file beside the target: nothing is left behind in models/.

#include <filesystem>

namespace nplab::util {

class DirectoryLock {
 public:
  /// Blocks until the lock on `file`'s folder is held. Throws std::runtime_error naming the folder
  /// when it cannot be opened or locked.
  explicit DirectoryLock(const std::filesystem::path& file);
  ~DirectoryLock();  // closing the descriptor releases the lock
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int descriptor_ = -1;
};

}  // namespace nplab::util
