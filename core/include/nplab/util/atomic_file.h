#pragma once
// Whole-file writes that survive a crash in step: every file NPLab saves (checkpoints, model
// cards, sessions, points and prediction CSVs, exports) goes through here.
//
// The content is written to a temporary file beside the target (".NAME.tmp-PID", so two writers
// in one folder stay apart), fsync'ed, renamed over the target (atomic on POSIX file systems),
// and the folder is fsync'ed so that the rename itself is on disk. After a crash or a power cut
// the target holds either the old content or the new, never a mix or an empty file. On every
// error the temporary file is removed and the target is as it was; temporary files of this
// naming that a killed process left behind are removed on the next save to the same target.

#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>

namespace nplab::util {

/// Replaces `path` with `content`. Throws InvalidArgument naming the file when anything fails.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

/// The temporary files of this writer's naming for `path` whose process is gone.
std::vector<std::filesystem::path> stale_temporary_files(const std::filesystem::path& path);

/// Test hook: called after the temporary file is complete and synced, before the rename, with
/// the target path. Empty by default; a test sets it to pause or abort a save mid-way.
void set_before_rename_hook(std::function<void(const std::filesystem::path&)> hook);

}  // namespace nplab::util
