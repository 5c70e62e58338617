#pragma once
// The data directory and every file in it are private to the user the LRS
// runs as (issue 15, finding 14): statement content, credential hashes and
// wrapped data keys live there. Directory 0700, files 0600, whatever the
// umask.
//
// SQLite creates a database file with 0644 and gives its -wal, -shm and
// -journal files the database file's mode (fchmod, so the umask does not
// narrow it). So the database file is made here, 0600, before SQLite opens
// it, and an existing one (and its companions) is brought to 0600.

#include <string>

#include "xapi/result.h"

namespace lrs::storage {

// Creates `dir` (and missing parents, with the umask's modes) and sets `dir`
// itself to 0700. Errors: 400 when it cannot be made, 500 when its mode
// cannot be set.
MaybeError CreatePrivateDirectory(const std::string& dir);

// Creates `path` empty with mode 0600 if missing, else sets it to 0600 (by
// path: an existing file is never opened, see the .cc); the same for
// `path`-wal, -shm and -journal when they exist. Call before the first
// connection of a process opens a new file (LrsApp::Open and the commands
// open their stores one after another). Errors: 500.
MaybeError MakeDatabaseFilesPrivate(const std::string& path);

}  // namespace lrs::storage
