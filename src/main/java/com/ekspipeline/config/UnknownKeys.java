package com.ekspipeline.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Rejects configuration keys nobody reads. A key nobody reads is almost always a typo, and a silently
 * ignored typo deploys the default; so the error names the closest key that exists.
 */
final class UnknownKeys {

    private UnknownKeys() {
    }

    /** Keys with {@code @} or {@code :} belong to CDK itself (feature flags, CLI settings, lookup caches). */
    static void reject(final ContextReader s) {
        reject(s, s.keysRead());
    }

    /** As {@link #reject(ContextReader)}, with the keys allowed given ({@link ConfigKeys} at the top level). */
    static void reject(final ContextReader s, final Set<String> known) {
        for (String key : s.keysPresent()) {
            if (key.startsWith("@") || key.contains(":") || known.contains(key)) {
                continue;
            }
            final String closest = closest(key, known);
            final String hint = closest == null
                    ? "the keys here are " + String.join(", ", sorted(known))
                    : "did you mean " + s.path(closest);
            s.error("Unknown configuration key " + s.path(key) + " (value " + ContextValues.show(s.rawValue(key))
                    + ") is not allowed; " + hint + (closest == null ? "." : "?"));
        }
    }

    static List<String> sorted(final Set<String> keys) {
        return keys.stream().sorted().toList();
    }

    private static String closest(final String key, final Set<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            final int distance = editDistance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each count 1. */
    static int editDistance(final String a, final String b) {
        int[] previous = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            final int[] current = new int[b.length() + 1];
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            previous = current;
        }
        return previous[b.length()];
    }
}
