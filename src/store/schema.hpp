#pragma once
// Schema migrations, applied in order at open; PRAGMA user_version is the last one applied.
#include <SQLiteCpp/Database.h>

#include <span>

namespace carry::store {

struct Migration {
  int version;      // becomes user_version once applied
  const char* sql;  // one or more statements
};

std::span<const Migration> migrations() noexcept;

// Brings the database to the newest version. Runs under BEGIN IMMEDIATE, so two connections opening
// the same file at once apply each migration exactly once. Throws std::runtime_error when the file
// is newer than this build or a migration fails.
void migrate(SQLite::Database& db);

}  // namespace carry::store
