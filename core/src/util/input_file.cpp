#include "nplab/util/input_file.h"

#include <algorithm>
#include <system_error>

namespace nplab::util {

std::optional<std::string> why_not_a_regular_file(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const auto status = fs::status(path, error);
  switch (status.type()) {
    case fs::file_type::regular:
      return std::nullopt;
    case fs::file_type::not_found:
      return std::string("no such file");
    case fs::file_type::directory:
      return std::string("is a directory, not a file");
    case fs::file_type::character:
      return std::string("is a character device, not a regular file");
    case fs::file_type::block:
      return std::string("is a block device, not a regular file");
    case fs::file_type::fifo:
      return std::string("is a pipe, not a regular file");
    case fs::file_type::socket:
      return std::string("is a socket, not a regular file");
    case fs::file_type::none:
    case fs::file_type::unknown:
    case fs::file_type::symlink:  // status() follows links, so this is not reached
    default:
      break;
  }
  if (error) return "cannot be inspected: " + error.message();
  return std::string("is not a regular file");
}

std::string first_message_line(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    const auto line = text.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string::npos) return excerpt_for_message(line, 200);
    start = end + 1;
  }
  return "(no details)";
}

std::string excerpt_for_message(const std::string& text, std::size_t most) {
  if (text.size() <= most) return text;
  return text.substr(0, most) + "… (" + std::to_string(text.size()) + " characters)";
}

}  // namespace nplab::util
