#include "bench_csv.h"

#include <iostream>

namespace nplab::cli {

void write_cmab_header(std::ostream& out) {
  out << "n,update_us,condition_peak_bytes\n";
}
void write_cmab_row(std::ostream& out, const bench::CmabBenchRow& row) {
  out << row.n << ',' << row.update_us << ',' << row.condition_peak_bytes << std::endl;
}

void write_memory_header(std::ostream& out) {
  out << "model,n,targets,peak_bytes,status\n";
}
void write_memory_row(std::ostream& out, const bench::MemoryRow& row) {
  out << row.model << ',' << row.n << ',' << row.targets << ',' << row.peak_bytes << ','
      << row.status << std::endl;
}

void write_update_header(std::ostream& out) {
  out << "model,n,new,update_us\n";
}
void write_update_row(std::ostream& out, const bench::UpdateRow& row) {
  out << row.model << ',' << row.n << ',' << row.new_points << ',';
  if (row.status == "ok") {
    out << row.update_us;
  } else {
    out << "nan";
  }
  out << std::endl;
  if (row.status != "ok") std::cerr << row.model << " n=" << row.n << ": " << row.status << '\n';
}

void write_scale_header(std::ostream& out) {
  out << "model,n,condition_s,points_per_s,condition_peak_bytes,state_bytes,update_us,"
         "update_prepare_us,targets,query_us,update_query_us,graph_update_prepare_us,status\n";
}
void write_scale_row(std::ostream& out, const bench::ScaleRow& row) {
  out << row.model << ',' << row.n << ',' << row.condition_seconds << ',' << row.points_per_second
      << ',' << row.condition_peak_bytes << ',' << row.state_bytes << ',' << row.update_us << ','
      << row.update_prepare_us << ',' << row.targets << ',' << row.query_us << ','
      << row.update_query_us << ',' << row.graph_update_prepare_us << ',' << row.status
      << std::endl;
}

void write_attention_header(std::ostream& out) {
  out << "mode,n,queries,peak_bytes,output_bytes,seconds,status\n";
}
void write_attention_row(std::ostream& out, const bench::AttentionRow& row) {
  out << row.mode << ',' << row.n << ',' << row.queries << ',' << row.peak_bytes << ','
      << row.output_bytes << ',' << row.seconds << ',' << row.status << std::endl;
}

}  // namespace nplab::cli
