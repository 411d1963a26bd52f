#include "stream_process.h"

#include <QProcessEnvironment>

namespace nplab::ui {
namespace {

QString number(double value) {
  return QString::number(value, 'g', 17);
}

}  // namespace

StreamProcess::StreamProcess(QObject* parent)
    : QObject(parent), process_(tr("the streaming process")) {
  qRegisterMetaType<facade::StreamLine>();
  connect(&process_, &JsonlProcess::line_ready, this, [this](const QByteArray& line) {
    auto parsed = facade::stream_line_from_json(line.toStdString());
    if (parsed.ok()) {
      emit line_ready(parsed.value());
    } else {
      process_.report_bad_line(QString::fromStdString(parsed.error()));
    }
  });
  connect(&process_, &JsonlProcess::finished, this, &StreamProcess::finished);
}

QStringList StreamProcess::arguments(const StreamRequest& request) {
  QStringList arguments{"bench",
                        "stream",
                        "--jsonl",
                        "--pauses-on-stdin",
                        "--no-verify",
                        "--device",
                        QString::fromStdString(request.device),
                        "--targets",
                        QString::number(request.targets),
                        "--sample-every-s",
                        number(request.sample_every_seconds),
                        "--sample-points",
                        QString::number(request.sample_points),
                        "--cap-gib",
                        number(request.cap_gib),
                        "--max-update-s",
                        number(request.max_update_seconds),
                        "--seed",
                        QString::number(request.seed)};
  if (request.model.kind == ModelSource::Kind::Checkpoint) {
    arguments << "--checkpoint" << QString::fromStdString(request.model.name_or_path);
  } else {
    arguments << "--model" << QString::fromStdString(request.model.name_or_path);
  }
  if (!request.csv.isEmpty()) {
    arguments << "--csv" << request.csv << "--skip-bad-rows";
  } else {
    arguments << "--n" << QString::number(request.points) << "--noise" << number(request.noise);
    if (request.truth) {
      arguments << "--truth"
                << QString::fromStdString(facade::truth_kernel_name(request.truth->kernel))
                << "--truth-lengthscale" << number(request.truth->lengthscale) << "--truth-scale"
                << number(request.truth->scale) << "--truth-period" << number(request.truth->period)
                << "--truth-seed" << QString::number(request.truth->seed);
    }
  }
  if (request.rate > 0) arguments << "--rate" << number(request.rate);
  return arguments;
}

QString StreamProcess::start(const StreamRequest& request) {
  auto environment = QProcessEnvironment::systemEnvironment();
  if (request.threads > 0) environment.insert("OMP_NUM_THREADS", QString::number(request.threads));
  return process_.start(arguments(request), environment);
}

}  // namespace nplab::ui
