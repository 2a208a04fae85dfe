package remote

import "time"

// ShortenKeepalives makes the keepalives of connections dialled from now on
// fast enough for a test; the returned function restores them.
func ShortenKeepalives(interval time.Duration, maxMissed int) (restore func()) {
	oldInterval, oldMissed := keepaliveInterval, keepaliveMaxMissed
	keepaliveInterval, keepaliveMaxMissed = interval, maxMissed
	return func() { keepaliveInterval, keepaliveMaxMissed = oldInterval, oldMissed }
}
