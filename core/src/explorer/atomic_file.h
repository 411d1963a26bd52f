#pragma once
// Internal to the explorer facade: whole-file writes that never leave a half-written file.

#include <filesystem>
#include <string_view>

namespace nplab::detail {

/// Writes `content` to a temporary file in `path`'s folder, then renames it over `path` (atomic
/// on POSIX file systems). Throws InvalidArgument naming the file when anything fails; the
/// temporary file is removed then and `path` is as it was.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace nplab::detail
