package io.stockingest.sink.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The contract every {@link LakeStorage} keeps, run against a local directory and against a real S3 server. */
abstract class AbstractLakeStorageTest {
    /** A new, empty storage. */
    abstract LakeStorage storage();

    @Test
    void storesAndReadsBackBytes() {
        LakeStorage storage = storage();
        storage.put("raw/a/b.json", "{\"x\":1}".getBytes(UTF_8));
        assertThat(new String(storage.get("raw/a/b.json"), UTF_8)).isEqualTo("{\"x\":1}");
    }

    @Test
    void listsEveryKeyUnderThePrefixAtAnyDepthAndNothingElse() {
        LakeStorage storage = storage();
        storage.put("raw/prices/symbol=A/year=2024/month=01/A-2024-01-02.parquet", new byte[] {1});
        storage.put("raw/prices/symbol=A/year=2024/A-2024.parquet", new byte[] {2});
        storage.put("raw/prices/symbol=AB/year=2024/month=01/AB-2024-01-02.parquet", new byte[] {3});
        assertThat(storage.list("raw/prices/symbol=A/")).containsExactlyInAnyOrder(
                "raw/prices/symbol=A/year=2024/month=01/A-2024-01-02.parquet",
                "raw/prices/symbol=A/year=2024/A-2024.parquet");
        assertThat(storage.list("raw/prices/symbol=ZZZ/")).isEmpty();
    }

    @Test
    void listNamesReturnsTheKeysOfFilesInAcceptedFoldersOnly() {
        LakeStorage storage = storage();
        storage.put("raw/prices/symbol=A/year=2024/month=01/A-2024-01-02.parquet", new byte[] {1});
        storage.put("raw/prices/symbol=A/year=2024/A-2024.parquet", new byte[] {2});
        storage.put("raw/prices/symbol=A/year=2020/month=03/A-2020-03-02.parquet", new byte[] {3});
        storage.put("raw/prices/symbol=A/_checked/run-1.txt", new byte[] {4});
        storage.put("raw/prices/symbol=A/notes.txt", new byte[] {5});
        storage.put("raw/prices/symbol=AB/year=2024/month=01/AB-2024-01-02.parquet", new byte[] {6});

        Set<String> keys = storage.listNames("raw/prices/symbol=A/", folder -> folder.equals("year=2024") || folder.startsWith("month="));
        assertThat(keys).as("a file directly under the prefix is listed").contains(
                "raw/prices/symbol=A/year=2024/month=01/A-2024-01-02.parquet",
                "raw/prices/symbol=A/year=2024/A-2024.parquet",
                "raw/prices/symbol=A/notes.txt");
        assertThat(keys).as("year=2020 and _checked are refused: nothing under them (a name-only listing may list the refused name itself)")
                .noneMatch(key -> key.contains("/year=2020/") || key.contains("/_checked/") || key.contains("symbol=AB"))
                .allMatch(key -> key.endsWith(".parquet") || key.endsWith(".txt") || key.endsWith("/year=2020") || key.endsWith("/_checked"));
        assertThat(storage.listNames("raw/prices/symbol=ZZZ/", folder -> true)).isEmpty();
    }

    @Test
    void listsMoreKeysThanOnePageHolds() throws Exception {
        LakeStorage storage = storage();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1_010; i++) {
            keys.add(String.format("raw/many/k-%04d.bin", i));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (String key : keys) {
                pool.submit(() -> storage.put(key, new byte[] {7}));
            }
        }
        assertThat(storage.list("raw/many/")).hasSize(1_010).containsAll(keys);
    }

    @Test
    void putIfAbsentWritesOnceAndLeavesAnExistingKeyAlone() {
        LakeStorage storage = storage();
        assertThat(storage.putIfAbsent("raw/x/one.bin", "first".getBytes(UTF_8))).isTrue();
        assertThat(storage.putIfAbsent("raw/x/one.bin", "second".getBytes(UTF_8))).isFalse();
        assertThat(new String(storage.get("raw/x/one.bin"), UTF_8)).isEqualTo("first");
    }

    @Test
    void replaceIfUnchangedWritesOnlyOverTheVersionItRead() {
        LakeStorage storage = storage();
        assertThat(storage.getVersioned("raw/y/2020.bin")).isEmpty();
        assertThat(storage.replaceIfUnchanged("raw/y/2020.bin", "lost".getBytes(UTF_8), "\"no-such-version\"")).as("a missing key").isFalse();
        storage.put("raw/y/2020.bin", "first".getBytes(UTF_8));
        LakeStorage.Versioned read = storage.getVersioned("raw/y/2020.bin").orElseThrow();
        assertThat(new String(read.bytes(), UTF_8)).isEqualTo("first");

        storage.put("raw/y/2020.bin", "another writer".getBytes(UTF_8));

        assertThat(storage.replaceIfUnchanged("raw/y/2020.bin", "merged from first".getBytes(UTF_8), read.version())).isFalse();
        assertThat(new String(storage.get("raw/y/2020.bin"), UTF_8)).isEqualTo("another writer");
        LakeStorage.Versioned again = storage.getVersioned("raw/y/2020.bin").orElseThrow();
        assertThat(again.version()).isNotEqualTo(read.version());
        assertThat(storage.replaceIfUnchanged("raw/y/2020.bin", "merged from another".getBytes(UTF_8), again.version())).isTrue();
        assertThat(new String(storage.get("raw/y/2020.bin"), UTF_8)).isEqualTo("merged from another");
    }

    @Test
    void putReplacesWhatWasThere() {
        LakeStorage storage = storage();
        storage.put("raw/x/one.bin", "first".getBytes(UTF_8));
        storage.put("raw/x/one.bin", "second".getBytes(UTF_8));
        assertThat(new String(storage.get("raw/x/one.bin"), UTF_8)).isEqualTo("second");
        assertThat(storage.list("raw/x/")).containsExactly("raw/x/one.bin");
    }

    @Test
    void ofManyRacingPutIfAbsentExactlyOneWins() throws Exception {
        LakeStorage storage = storage();
        int writers = 8;
        CyclicBarrier start = new CyclicBarrier(writers);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int i = 0; i < writers; i++) {
                byte[] body = ("writer-" + i).getBytes(UTF_8);
                results.add(pool.submit(() -> {
                    start.await();
                    return storage.putIfAbsent("raw/race/key.bin", body);
                }));
            }
        }
        List<Boolean> won = new ArrayList<>();
        for (Future<Boolean> result : results) {
            won.add(result.get());
        }
        assertThat(won).as("exactly one writer wins").containsOnlyOnce(true);
        int winner = won.indexOf(true);
        assertThat(new String(storage.get("raw/race/key.bin"), UTF_8)).isEqualTo("writer-" + winner);
    }

    @Test
    void storesABodyLargerThanTheMultipartThresholdWhole() {
        LakeStorage storage = storage();
        byte[] big = new byte[12 * 1024 * 1024 + 17];
        new Random(42).nextBytes(big);
        storage.put("raw/big/blob.bin", big);
        assertThat(storage.get("raw/big/blob.bin")).isEqualTo(big);
        byte[] other = new byte[11 * 1024 * 1024];
        assertThat(storage.putIfAbsent("raw/big/blob.bin", other)).isFalse();
        assertThat(storage.putIfAbsent("raw/big/other.bin", other)).isTrue();
        assertThat(storage.get("raw/big/blob.bin")).isEqualTo(big);
        assertThat(storage.list("raw/big/")).containsExactlyInAnyOrder("raw/big/blob.bin", "raw/big/other.bin");
    }

    @Test
    void readingAMissingKeyIsASinkErrorNamingIt() {
        LakeStorage storage = storage();
        assertThatThrownBy(() -> storage.get("raw/none/missing.parquet"))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.SINK))
                .hasMessageContaining("raw/none/missing.parquet");
    }

    @Test
    void describesItselfWithoutSecrets() {
        assertThat(storage().describe()).doesNotContain(S3TestServer.SECRET_KEY).doesNotContain(S3TestServer.ACCESS_KEY);
    }
}
