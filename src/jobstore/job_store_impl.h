#pragma once
// Private parts of JobStore shared by its two source files: the connection and query helpers that
// turn Qt SQL failures into core::Error naming the queue file.
#include <string>

#include <QString>
#include <QVariant>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>

#include "jobstore/job_store.h"

namespace chiaro::jobstore {

constexpr int kSchemaVersion = 1;

// The columns every row read selects, in the order rowToJob() expects.
extern const char* const kJobColumns;

struct JobStore::Impl {
    std::string path;
    QString connection;  // unique per store: QSqlDatabase connections are per name and per thread
    int recovered = 0;

    QSqlDatabase db() const { return QSqlDatabase::database(connection, false); }
    // Prepares `sql`; throws Error(Failure) naming the file when the statement is invalid.
    QSqlQuery prepare(const QString& sql) const;
    // Executes a prepared query; throws Error(Failure) naming the file and `what` on failure.
    void exec(QSqlQuery& query, const char* what) const;
    // Prepare + bind positional values + exec, for short statements.
    QSqlQuery run(const QString& sql, const QVariantList& values, const char* what) const;
};

// BEGIN IMMEDIATE ... COMMIT (rolled back when destroyed without commit()). IMMEDIATE takes the
// write lock up front, so two processes claiming from one file never pick the same job.
class Transaction {
  public:
    explicit Transaction(const JobStore::Impl& impl);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    const JobStore::Impl& m_impl;
    bool m_open = false;
};

StoredJob rowToJob(const QSqlQuery& query);
int64_t nowMs();

}  // namespace chiaro::jobstore
