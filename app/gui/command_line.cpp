#include "command_line.h"

namespace nplab::app {

void GuiOptions::add_to(QCommandLineParser& parser) const {
  parser.addOptions({screenshot, view, demo, model, compare, device, stream, models, session, size, theme,
                     plot, out, latency, clicks, preload});
}

bool has_option(int argc, char** argv, const std::string& name) {
  const std::string flag = "--" + name;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == flag || argument.starts_with(flag + "=")) return true;
  }
  return false;
}

std::optional<QString> take_option(int& argc, char** argv, const std::string& name) {
  const std::string flag = "--" + name;
  std::optional<QString> value;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == flag && i + 1 < argc) {
      value = QString::fromLocal8Bit(argv[++i]);
    } else if (argument.starts_with(flag + "=")) {
      value = QString::fromLocal8Bit(argument.substr(flag.size() + 1).c_str());
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  argv[argc] = nullptr;
  return value;
}

QSize parse_size(const QString& text) {
  const auto parts = text.split('x');
  if (parts.size() != 2) return {};
  bool width_ok = false, height_ok = false;
  const QSize size(parts[0].toInt(&width_ok), parts[1].toInt(&height_ok));
  return width_ok && height_ok && size.width() >= 320 && size.height() >= 240 ? size : QSize();
}

std::optional<std::vector<int>> parse_counts(const QString& text) {
  std::vector<int> counts;
  for (const auto& field : text.split(',')) {
    bool ok = false;
    const int count = field.trimmed().toInt(&ok);
    if (!ok || count < 0) return std::nullopt;
    counts.push_back(count);
  }
  return counts;
}

}  // namespace nplab::app
