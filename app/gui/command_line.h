#pragma once
// The nplab command line: its options (one QCommandLineParser for the window, --plot and
// --bench-latency) and the small parsers they share. main.cpp only dispatches.

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QSize>
#include <QString>
#include <optional>
#include <string>
#include <vector>

namespace nplab::app {

/// Every option of `nplab`, added to one parser.
struct GuiOptions {
  QCommandLineOption screenshot{
      "screenshot", "Render the window to FILE (PNG) once the view has settled, then exit.",
      "FILE"};
  QCommandLineOption view{"view",
                          "The view to show: functions, images, memory, stream, events or bo.",
                          "VIEW", "functions"};
  QCommandLineOption demo{
      "demo",
      "Functions view: reveal points of the hidden function, show the truth and the oracle. "
      "Images view: reveal a fifth of a fixed test image's pixels, predict at 2x. "
      "Memory view: run a sweep of the ticked models. "
      "Stream view: stream a million samples of the hidden function into the model. "
      "Events view: reveal 40 events of the hidden Hawkes process, with THP compared beside the "
      "model. BO view: eight EI steps of the CMANP surrogate on a GP sample."};
  QCommandLineOption model{
      "model",
      "The model of the view shown (Functions or Images), as its picker names it (\"cmanp.pt\", "
      "\"untrained: tnpd\"), or a registry name for the untrained model (\"cmanp\").",
      "NAME"};
  QCommandLineOption compare{
      "compare",
      "Functions view: show this second model beside the first, on the same points. Stream view: "
      "stream into it too. Events view: its next-event density beside the first's. Named as for "
      "--model.",
      "NAME"};
  QCommandLineOption device{
      "device",
      "Where the Functions and Images views' models run: auto (CUDA when there is a GPU, else the "
      "CPU), cpu or cuda[:N]. A device that is missing or fails gives way to the CPU, with a "
      "notice in the readout.",
      "DEVICE", "auto"};
  QCommandLineOption stream{
      "stream",
      "Open the Stream view and stream the x,y rows of FILE (a CSV, read as it goes) into the "
      "model (--model), beside a second one with --compare.",
      "FILE"};
  QCommandLineOption models{
      "models",
      "Look for checkpoints (.pt with their .json cards) in DIR only; the same as setting "
      "NPLAB_MODELS. By default: ./models, then beside the program, then its share/nplab/models.",
      "DIR"};
  QCommandLineOption session{"session", "Open a saved session (.nplab.json).", "FILE"};
  QCommandLineOption size{
      "size", "The window size, e.g. 1600x900; with --plot, the PNG's size in pixels.", "WxH"};
  QCommandLineOption theme{
      "theme", "system, light or dark, for this run (the View menu's choice is remembered).",
      "THEME"};
  QCommandLineOption plot{
      "plot",
      "Draw a benchmark CSV (any nplab-cli bench --csv or bench report file, or the Memory "
      "view's Export data) or the regret curves of an nplab-cli bo --csv file into --out, then "
      "exit; no window is shown.",
      "CSV"};
  QCommandLineOption out{"out", "The figure --plot writes: .png, .pdf or .svg.", "FILE"};
  QCommandLineOption latency{
      "bench-latency",
      "Measure the Functions view's click-to-replot latency (offscreen unless QT_QPA_PLATFORM "
      "is set), print it, exit."};
  QCommandLineOption clicks{"clicks", "--bench-latency: timed clicks per preload.", "K", "50"};
  QCommandLineOption preload{
      "preload", "--bench-latency: context sizes to preload, in one batch each (e.g. 100,10000).",
      "LIST", "100,10000"};

  void add_to(QCommandLineParser& parser) const;
};

/// Whether argv holds "--NAME" or "--NAME=...", before Qt has parsed it.
bool has_option(int argc, char** argv, const std::string& name);

/// Removes "--NAME VALUE" or "--NAME=VALUE" from argv and returns VALUE. Needed for --session:
/// QGuiApplication takes "-session"/"--session" for X11 session management and drops it.
std::optional<QString> take_option(int& argc, char** argv, const std::string& name);

/// "1600x900" as a size of at least 320x240, or an invalid size.
QSize parse_size(const QString& text);

/// "100,10000" as sizes ≥ 0, or nothing.
std::optional<std::vector<int>> parse_counts(const QString& text);

}  // namespace nplab::app
