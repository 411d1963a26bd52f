#pragma once
// The example sessions that ship with NPLab (resources/examples, installed as
// share/nplab/examples), for File > Open Example.

#include <QList>
#include <QString>
#include <QStringList>

namespace nplab::ui {

struct ExampleSession {
  QString title;  ///< the session's "title", or its file name when it has none
  QString path;   ///< absolute
};

/// The example folders that exist: the source tree's (above build/bin), an installed tree's
/// (bin/../share/nplab/examples), then the working directory's resources/examples. The first
/// one holding examples wins, so a build and an installed copy do not list each example twice.
QStringList default_example_dirs();

/// The *.nplab.json files of the first of `dirs` that holds any, sorted by file name.
QList<ExampleSession> example_sessions(const QStringList& dirs = default_example_dirs());

}  // namespace nplab::ui
