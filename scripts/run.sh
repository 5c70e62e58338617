#!/usr/bin/env bash
# `make run`: fills a new store with `lrs demo` (synthetic corporate training;
# DEMO=0 skips it), creates the key file, a demo `lms` credential and an
# `analyst` credential for the dashboard if none exist, prints how to reach
# the LRS and how to sign in, then serves it in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."

LISTEN=${LISTEN:-127.0.0.1:8080}
DATA=${DATA:-var/data}
DEMO=${DEMO:-1}                         # 0: start a new store empty
LMS_CREDENTIAL=var/demo-credential.json  # outside the data directory, readable by root only
ANALYST_CREDENTIAL=var/analyst-credential.json

if [[ ! -e $DATA/lrs.db ]]; then
  # A new store: credentials kept from another one would not open it.
  rm -f "$LMS_CREDENTIAL" "$ANALYST_CREDENTIAL"
  # Only a new store is filled: the demo never adds to data someone already has.
  if [[ $DEMO != 0 ]]; then
    echo "lrs: filling the new store $DATA with demo traffic (DEMO=0 skips this)"
    build/lrs demo --data "$DATA"
  fi
fi
credential() {  # credential ROLE NAME FILE: created once, kept in FILE
  if [[ ! -s $3 ]]; then
    mkdir -p var && (umask 077 && build/lrs credentials add --role "$1" --name "$2" \
      --data "$DATA" --json > "$3.tmp" && mv "$3.tmp" "$3")
  fi
}
credential lms demo "$LMS_CREDENTIAL"
credential analyst dashboard "$ANALYST_CREDENTIAL"
KEY=$(sed -E 's/.*"key": "([^"]+)".*/\1/' "$LMS_CREDENTIAL")
# Each store has its own key file beside its data directory (keys/<name>.key);
# a store made before that keeps the keys/lrs.key it was made with.
KEYS_DIR="$(dirname "$DATA")/keys"
KEY_FILE="$KEYS_DIR/$(basename "$DATA").key"
if [[ ! -e $KEY_FILE && -e $KEYS_DIR/lrs.key && -e $DATA/keystore.db ]]; then
  KEY_FILE="$KEYS_DIR/lrs.key"
fi
SECRET=$(sed -E 's/.*"secret": "([^"]+)".*/\1/' "$LMS_CREDENTIAL")
ANALYST_KEY=$(sed -E 's/.*"key": "([^"]+)".*/\1/' "$ANALYST_CREDENTIAL")
ANALYST_SECRET=$(sed -E 's/.*"secret": "([^"]+)".*/\1/' "$ANALYST_CREDENTIAL")

cat <<INFO

  xAPI endpoint   http://$LISTEN/xapi/
  credential      key $KEY   secret $SECRET   (role lms; kept in $LMS_CREDENTIAL)
  data            $DATA    keys: $KEY_FILE

  try it:
    curl -u $KEY:$SECRET -H 'X-Experience-API-Version: 1.0.3' \\
         -H 'Content-Type: application/json' http://$LISTEN/xapi/statements \\
         -d '{"actor":{"mbox":"mailto:ada@example.org","name":"Ada"},
              "verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},
              "object":{"id":"http://example.org/courses/privacy-101"}}'
    curl -u $KEY:$SECRET -H 'X-Experience-API-Version: 1.0.3' http://$LISTEN/xapi/statements

  pages:
    dashboard       http://$LISTEN/dashboard   (analytics for L&D teams)
                    sign in with key $ANALYST_KEY   secret $ANALYST_SECRET
                    (role analyst; kept in $ANALYST_CREDENTIAL)
    privacy notice  http://$LISTEN/privacy   (the manifest as data: /privacy.json)
    learner page    http://$LISTEN/me#token=TOKEN, with a token the LMS gets from
    curl -u $KEY:$SECRET http://$LISTEN/privacy/tokens \\
         -d '{"agent":{"mbox":"mailto:ada@example.org"}}'

INFO
exec build/lrs serve --listen "$LISTEN" --data "$DATA"
