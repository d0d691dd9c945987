package io.stockingest.core.model;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Unix times from provider bodies, checked before use: a corrupt body's absurd number (say 9223372036854775807)
 * would make {@link Instant#ofEpochSecond} or the date of the instant throw {@link DateTimeException}, which must
 * never escape a source. Dates java.time holds but no session has are left to the validator ({@code out_of_range}).
 */
public final class EpochTimes {
    private EpochTimes() {}

    /** The instant {@code seconds} after 1970-01-01T00:00Z, or empty when java.time cannot date it in every zone. */
    public static Optional<Instant> seconds(long seconds) {
        try {
            Instant instant = Instant.ofEpochSecond(seconds);
            // the widest offsets (±18:00) must still give a LocalDate
            instant.atOffset(ZoneOffset.MAX).toLocalDate();
            instant.atOffset(ZoneOffset.MIN).toLocalDate();
            return Optional.of(instant);
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
