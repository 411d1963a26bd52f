#pragma once
// Users' event logs as CSV: one event per row, `sequence,time,mark`, under an optional header
// line (the first line is a header when its time field is not a number). Blank lines and lines
// starting with '#' are skipped. Rows of one sequence are contiguous, times strictly increasing
// within it and positive (observation starts at t = 0), marks integers in 0..K−1. A bad file
// throws data::DataError naming file:line and the reason.

#include <filesystem>
#include <string>
#include <vector>

#include "nplab/data/data_error.h"
#include "nplab/tpp/processes.h"

namespace nplab::tpp {

struct EventCsv {
  std::vector<std::string> sequence_names;  ///< in file order
  std::vector<EventList> sequences;         ///< one per name, same order
};

/// Reads an event CSV; `marks` is K (a mark >= K is an error).
EventCsv read_event_csv(const std::filesystem::path& path, int64_t marks);

/// Writes `sequence,time,mark` rows (times with 17 significant digits: they read back exactly).
void write_event_csv(const std::filesystem::path& path, const EventCsv& events);

}  // namespace nplab::tpp
