#pragma once
// The CSV files of `nplab-cli bench`: one header and one row writer per benchmark, shared by the
// single benchmarks (--csv) and the report (bench_report.cpp).

#include <ostream>

#include "nplab/bench/cmab_bench.h"
#include "nplab/bench/model_bench.h"
#include "nplab/bench/scale_bench.h"

namespace nplab::cli {

void write_cmab_header(std::ostream& out);
void write_cmab_row(std::ostream& out, const bench::CmabBenchRow& row);
void write_memory_header(std::ostream& out);
void write_memory_row(std::ostream& out, const bench::MemoryRow& row);
void write_update_header(std::ostream& out);
/// Also tells stderr about a row that did not run.
void write_update_row(std::ostream& out, const bench::UpdateRow& row);
void write_scale_header(std::ostream& out);
void write_scale_row(std::ostream& out, const bench::ScaleRow& row);
void write_attention_header(std::ostream& out);
void write_attention_row(std::ostream& out, const bench::AttentionRow& row);

}  // namespace nplab::cli
