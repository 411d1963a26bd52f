#pragma once
// One wording for "this path cannot be read as a file", so every reader (checkpoints, IDX, CSV,
// sessions, event files) says what the path actually is instead of calling it missing.

#include <filesystem>
#include <optional>
#include <string>

namespace nplab::util {

/// Why `path` cannot be opened as an input file: "no such file", "is a directory, not a file",
/// "is a character device, not a regular file", …; nullopt for a regular file (or a symlink to
/// one).
std::optional<std::string> why_not_a_regular_file(const std::filesystem::path& path);

/// The first non-blank line of a library's message, cut to 200 characters: TorchScript parse
/// errors start with an empty line and go on with a multi-line source excerpt.
std::string first_message_line(const std::string& text);

/// Cuts `text` to at most `most` characters for an error message, saying how long it was.
std::string excerpt_for_message(const std::string& text, std::size_t most = 80);

}  // namespace nplab::util
