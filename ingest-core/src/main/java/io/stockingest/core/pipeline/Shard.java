package io.stockingest.core.pipeline;

import io.stockingest.core.model.Symbol;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * {@code --shard K/N}: this runner takes the symbols whose CRC-32 (of the canonical spelling, UTF-8) modulo N is
 * K. The hash is fixed by the format, so N machines split a universe the same way on any JVM and version.
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("Invalid shard " + index + "/" + count + ": use K/N with 0 <= K < N, e.g. 0/4");
        }
    }

    public static Shard parse(String text) {
        String[] parts = text.strip().split("/");
        try {
            if (parts.length == 2) {
                return new Shard(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("Invalid shard '" + text + "': use K/N with 0 <= K < N, e.g. 0/4");
    }

    public boolean includes(Symbol symbol) {
        CRC32 crc = new CRC32();
        crc.update(symbol.value().getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % count == index;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
