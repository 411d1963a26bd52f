#include "nplab/tpp/events_csv.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "nplab/data/csv.h"
#include "nplab/util/input_file.h"

namespace nplab::tpp {

EventCsv read_event_csv(const std::filesystem::path& path, int64_t marks) {
  if (marks < 1) throw util::InvalidArgument("read_event_csv: marks must be at least 1");
  if (const auto why = util::why_not_a_regular_file(path)) {
    throw data::DataError(path.string() + ": " + *why);
  }
  std::ifstream in(path);
  if (!in) throw data::DataError(path.string() + ": cannot open for reading");
  const auto fail = [&](int64_t line_number, const std::string& reason) {
    throw data::DataError(path.string() + ":" + std::to_string(line_number) + ": " + reason);
  };
  EventCsv result;
  std::unordered_set<std::string> finished;  // sequences whose rows ended: they may not resume
  std::string line;
  int64_t line_number = 0;
  bool seen_content = false;
  while (std::getline(in, line)) {
    ++line_number;
    std::string_view content = data::trim_field(line);
    if (line_number == 1 && content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
    if (content.empty() || content.starts_with('#')) continue;
    const auto fields = data::split_csv_fields(content);
    if (fields.size() != 3) {
      fail(line_number,
           "expected 3 columns (sequence,time,mark), got " + std::to_string(fields.size()));
    }
    const auto time = data::parse_csv_number(fields[1]);
    if (!seen_content) {
      seen_content = true;
      if (!time &&
          !std::isdigit(static_cast<unsigned char>(fields[1].empty() ? 'x' : fields[1][0]))) {
        continue;  // the header line
      }
    }
    if (!time)
      fail(line_number,
           "time '" + util::excerpt_for_message(std::string(fields[1])) + "' is not a number");
    if (!std::isfinite(*time)) fail(line_number, "time is NaN or Inf");
    if (!(*time > 0))
      fail(line_number,
           "time " + util::excerpt_for_message(std::string(fields[1])) + " is not positive");
    int64_t mark = -1;
    const auto [mark_end, mark_error] =
        std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), mark);
    if (mark_error != std::errc() || mark_end != fields[2].data() + fields[2].size() ||
        fields[2].empty()) {
      fail(line_number,
           "mark '" + util::excerpt_for_message(std::string(fields[2])) + "' is not an integer");
    }
    if (mark < 0 || mark >= marks) {
      fail(line_number,
           "mark " + std::to_string(mark) + " is outside 0.." + std::to_string(marks - 1));
    }
    const std::string name(fields[0]);
    if (result.sequence_names.empty() || result.sequence_names.back() != name) {
      if (finished.count(name) != 0 || (!result.sequence_names.empty() && name.empty())) {
        fail(line_number,
             "rows of sequence '" + util::excerpt_for_message(name) + "' are not contiguous");
      }
      if (!result.sequence_names.empty()) finished.insert(result.sequence_names.back());
      result.sequence_names.push_back(name);
      result.sequences.emplace_back();
    }
    auto& events = result.sequences.back();
    if (!events.times.empty() && !(*time > events.times.back())) {
      fail(line_number, "time " + util::excerpt_for_message(std::string(fields[1])) +
                            " is not after the previous event of "
                            "sequence '" +
                            name + "' (times must increase)");
    }
    events.times.push_back(*time);
    events.marks.push_back(mark);
  }
  if (in.bad()) throw data::DataError(path.string() + ": read error");
  if (result.sequences.empty()) throw data::DataError(path.string() + ": no events");
  return result;
}

void write_event_csv(const std::filesystem::path& path, const EventCsv& events) {
  if (events.sequence_names.size() != events.sequences.size()) {
    throw util::InvalidArgument("write_event_csv: one name per sequence");
  }
  std::ofstream out(path);
  if (!out) throw data::DataError(path.string() + ": cannot open for writing");
  out.precision(17);
  out << "sequence,time,mark\n";
  for (size_t s = 0; s < events.sequences.size(); ++s) {
    const auto& sequence = events.sequences[s];
    for (size_t i = 0; i < sequence.size(); ++i) {
      out << events.sequence_names[s] << ',' << sequence.times[i] << ',' << sequence.marks[i]
          << '\n';
    }
  }
  if (!out) throw data::DataError(path.string() + ": write error");
}

}  // namespace nplab::tpp
