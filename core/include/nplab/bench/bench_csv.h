#pragma once
// The benchmark CSV files, the one place that knows their columns: `nplab-cli bench ... --csv`
// and `bench report` write them, the Memory view exports its sweep as one, and `nplab --plot`
// reads every kind back, recognised by its header line. Plain types (no LibTorch).
//
// A row's status is one field: "ok", "skipped" (predicted, not run) or "error: <message>". The
// update CSV has no status column: a failed update is "nan".

#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "nplab/bench/results.h"

namespace nplab::bench {

enum class CsvKind { Cmab, Memory, Update, Scale, Attention, Sweep };

/// Every kind, in the order above.
const std::vector<CsvKind>& csv_kinds();
/// The kind's column names, in order.
const std::vector<std::string>& csv_columns(CsvKind kind);
/// The header line: the columns joined by commas (no newline).
std::string csv_header(CsvKind kind);
/// "memory", "update", ...
const char* to_string(CsvKind kind);

/// A status as one CSV field: "ok", "skipped" or "error: " and the error's first line, its
/// commas made semicolons (the row stays well-formed).
std::string status_field(RunStatus status, const std::string& error);

void write_csv_header(std::ostream& out, CsvKind kind);
// One line per row, flushed: the CSV of a long run can be read while it grows.
void write_csv_row(std::ostream& out, const CmabBenchRow& row);
void write_csv_row(std::ostream& out, const MemoryRow& row);
void write_csv_row(std::ostream& out, const UpdateRow& row);
void write_csv_row(std::ostream& out, const ScaleRow& row);
void write_csv_row(std::ostream& out, const AttentionRow& row);
void write_csv_row(std::ostream& out, const SweepRow& row);

/// A benchmark CSV read back: the rows of its kind (the other lists are empty).
struct BenchCsv {
  CsvKind kind = CsvKind::Memory;
  std::vector<CmabBenchRow> cmab;
  std::vector<MemoryRow> memory;
  std::vector<UpdateRow> update;
  std::vector<ScaleRow> scale;
  std::vector<AttentionRow> attention;
  std::vector<SweepRow> sweep;
  /// Data rows read (blank lines not counted).
  std::size_t rows() const;
};

/// Why a file is not a benchmark CSV: "name:line: what".
class BenchCsvError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads a CSV that the writers above wrote. `name` (the file's name) starts every error, with
/// the line: "memory.csv:3: 'two hundred' is not a context size (a whole number ≥ 1)". Throws
/// BenchCsvError for an unknown header, a row with the wrong number of fields, a field that is
/// not of its column's type, or a file with no data rows.
BenchCsv read_bench_csv(std::istream& in, const std::string& name);

}  // namespace nplab::bench
