/**
 * Fields any command may carry that are about the request rather than the command (sessions,
 * read/write concern, API version, driver metadata). Handlers that validate their own fields skip these.
 */
export const GENERIC_ARGUMENTS = new Set([
  '$db', 'lsid', 'txnNumber', 'autocommit', 'startTransaction', '$clusterTime', '$readPreference',
  'readConcern', 'writeConcern', 'comment', 'maxTimeMS', 'apiVersion', 'apiStrict', 'apiDeprecationErrors',
  '$audit', '$client', 'mayBypassWriteBlocking', 'clientOperationKey', 'databaseVersion', 'shardVersion',
  '$configServerState', '$gleStats', '$oplogQueryData', '$replData', '$queryOptions', 'help',
]);
