#!/usr/bin/env bash
# Dump the district database (pg_dump custom format), check the dump reads back, keep 30 days.
# Run it from a systemd timer (kiosk-backup.timer) or cron:
#   15 2 * * *  postgres  /usr/local/bin/kiosk-backup.sh
# Restore (tested in tests/district/test_least_privilege.py):
#   psql -U postgres -f roles.sql -v db=kiosk        # an empty database with its roles
#   pg_restore -U kiosk_owner -d kiosk --no-owner --exit-on-error FILE.dump
#   kiosk --db postgresql://kiosk_verify@HOST/kiosk audit verify   # every chain intact
set -euo pipefail
db=${KIOSK_DB:-kiosk}
owner=${KIOSK_DB_OWNER:-kiosk_owner}
host=${PGHOST:-127.0.0.1}
dir=${KIOSK_BACKUP_DIR:-/var/backups/community-kiosk}
keep_days=${KIOSK_BACKUP_KEEP_DAYS:-30}
umask 077
mkdir -p "$dir"
out="$dir/$db-$(date +%Y%m%d-%H%M%S).dump"
pg_dump -h "$host" -U "$owner" -d "$db" -Fc -f "$out.partial"
pg_restore -l "$out.partial" >/dev/null  # a dump that cannot be listed is no backup
mv "$out.partial" "$out"
find "$dir" -maxdepth 1 -name "$db-*.dump" -mtime +"$keep_days" -delete
echo "$out"
