#pragma once
// A key file belongs to one store (issue 14, finding 13).
//
// Two stores that shared a key file shared everything it protects: the same
// pseudonyms for the same learner, and a learner token of one worked on the
// other. So each store has an id (random, 16 bytes as hex) kept in both its
// key file ("store_id", plugin/keys/key_file.h) and its keystore.db (meta
// "store_id", storage/key_store.h), and each store has a key file path of its
// own by default (ResolveDataPaths, plugin/app/lrs_app.h).
//
// Rules, at every start that opens both (lrs serve, credentials add, keys
// rotate):
//  1. Same id in both: the pair belongs together.
//  2. A key file made now, for a data directory that holds no data yet: the
//     store takes the key file's id (or, if `credentials add` already bound
//     the directory to another key file that never served, the new key file
//     takes the store's id).
//  3. A key file from before the binding (no store_id): adopted on first
//     open, its id written to both (the store's, if it has one already), so
//     an upgrade refuses nothing.
//  4. Anything else is refused with one line naming the file, both ids and
//     the fix: a key file of another store, a store bound to another key
//     file, a data directory that holds data while its key file is missing
//     (no new key file is made in its place).
// A key file that the store's data is not keyed with (another pseudonym key)
// is left for CheckDataKeyedWith (plugin/keys/key_rotation.h) to refuse; nothing
// is bound to it here.
//
// Preconditions: no other process writes the key file meanwhile (the data
// directory lock, or a single `credentials add`).

#include <string>

#include "anonymizer/random_source.h"
#include "plugin/keys/key_file.h"
#include "plugin/app/lrs_app.h"
#include "storage/database.h"
#include "xapi/result.h"

namespace lrs::plugin {

// Loads the store's key file (creating it when missing, as
// LoadOrCreateKeyFile) and binds it to the store's keystore.db (creating that
// too), as the rules say. Errors: 400 for a refusal (rule 4) or a key file
// problem, one line; 500 on I/O.
Result<KeyMaterial> LoadStoreKeys(const DataPaths& paths, anonymizer::RandomSource& random);

// The binding on an open key store, for callers that hold one (key
// rotation). `key_file_is_new`: made by this start (rule 2). May rewrite the
// key file at paths.key_file and update keys.store_id. Errors as above.
MaybeError BindKeyFileToStore(storage::Database& key_store, const DataPaths& paths,
                              KeyMaterial& keys, bool key_file_is_new,
                              anonymizer::RandomSource& random);

}  // namespace lrs::plugin
