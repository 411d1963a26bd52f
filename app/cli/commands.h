#pragma once
// Subcommands of nplab-cli; each file adds one subcommand to the CLI11 app.

#include <CLI/CLI.hpp>

namespace nplab::cli {

void add_info_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_eval_command(CLI::App& app);
/// `bo`: Bayesian optimisation with a Neural Process, the oracle GP or random search.
void add_bo_command(CLI::App& app);
/// `help [COMMAND [SUBCOMMAND]]`: the full text of a command, every option with its default.
/// Added last, so that it knows every other command.
void add_help_command(CLI::App& app);
/// `bench sweep`, a subcommand of `bench`.
void add_bench_sweep_command(CLI::App& bench);
/// `bench stream`, a subcommand of `bench`.
void add_bench_stream_command(CLI::App& bench);

}  // namespace nplab::cli
