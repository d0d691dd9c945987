package io.stockingest.sink.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.postgresql.copy.CopyIn;

/**
 * Writes rows in PostgreSQL's binary COPY format ({@code COPY ... FROM STDIN (FORMAT binary)}) to a PgJDBC
 * {@link CopyIn}, through a 1 MB buffer. Measured against CSV on 1.25 M daily bars: the server parses binary rows in
 * about half the time (no float/date text parsing), see docs/performance.md. Not thread-safe.
 */
final class BinaryCopy {
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final LocalDate PG_EPOCH = LocalDate.of(2000, 1, 1);
    private static final long PG_EPOCH_DAY = PG_EPOCH.toEpochDay();
    private static final long PG_EPOCH_MICROS = ChronoUnit.MICROS.between(Instant.EPOCH, PG_EPOCH.atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
    private static final int SIZE = 1 << 20;

    private final CopyIn in;
    private final ByteBuffer buf = ByteBuffer.allocate(SIZE);

    BinaryCopy(CopyIn in) {
        this.in = in;
        buf.put(HEADER);
    }

    BinaryCopy row(int fields) throws SQLException {
        room(2);
        buf.putShort((short) fields);
        return this;
    }

    BinaryCopy text(String s) throws SQLException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        room(4 + b.length);
        buf.putInt(b.length);
        if (b.length > buf.remaining()) { // longer than the buffer: send it on its own
            drain();
            in.writeToCopy(b, 0, b.length);
        } else {
            buf.put(b);
        }
        return this;
    }

    BinaryCopy date(LocalDate d) throws SQLException {
        room(8);
        buf.putInt(4).putInt((int) (d.toEpochDay() - PG_EPOCH_DAY));
        return this;
    }

    BinaryCopy timestamptz(Instant t) throws SQLException {
        room(12);
        buf.putInt(8).putLong(ChronoUnit.MICROS.between(Instant.EPOCH, t) - PG_EPOCH_MICROS);
        return this;
    }

    BinaryCopy float8(double v) throws SQLException {
        room(12);
        buf.putInt(8).putDouble(v);
        return this;
    }

    BinaryCopy float8(Double v) throws SQLException {
        return v == null ? nul() : float8(v.doubleValue());
    }

    BinaryCopy int8(long v) throws SQLException {
        room(12);
        buf.putInt(8).putLong(v);
        return this;
    }

    BinaryCopy int8(Long v) throws SQLException {
        return v == null ? nul() : int8(v.longValue());
    }

    /**
     * The header of a one-dimensional array of {@code length} non-null elements of type {@code elementOid}; the
     * caller writes the elements next ({@link #float8(double)}, {@link #int8(long)}: 8 bytes each).
     */
    BinaryCopy array(int elementOid, int length) throws SQLException {
        room(24);
        buf.putInt(20 + 12 * length).putInt(1).putInt(0).putInt(elementOid).putInt(length).putInt(1);
        return this;
    }

    BinaryCopy nul() throws SQLException {
        room(4);
        buf.putInt(-1);
        return this;
    }

    /** Writes the trailer and ends the COPY; returns the rows the server stored. */
    long finish() throws SQLException {
        room(2);
        buf.putShort((short) -1);
        drain();
        return in.endCopy();
    }

    private void room(int bytes) throws SQLException {
        if (buf.remaining() < bytes) {
            drain();
        }
    }

    private void drain() throws SQLException {
        if (buf.position() > 0) {
            in.writeToCopy(buf.array(), 0, buf.position());
            buf.clear();
        }
    }
}
