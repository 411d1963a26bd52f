#include "atomic_file.h"

#include <unistd.h>

#include <fstream>
#include <string>
#include <system_error>

#include "nplab/util/checks.h"

namespace nplab::detail {

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  namespace fs = std::filesystem;
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  // The process id keeps two writers in one folder apart; the rename makes the last one win.
  const fs::path temporary =
      folder / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()));
  const auto fail = [&](const std::string& why) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw InvalidArgument(path.string() + ": " + why);
  };
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) fail("cannot create a file in " + folder.string());
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) fail("write error (disk full?)");
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) fail("cannot replace the file: " + error.message());
}

}  // namespace nplab::detail
