package io.stockingest.core.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.model.SymbolSpelling;
import io.stockingest.core.spi.ObjectReader;
import io.stockingest.core.spi.SchemaAdmin;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.SinkFactory;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.SourceFactory;
import io.stockingest.core.testkit.InMemorySink;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginsTest {
    /** A sink plugin claiming {@code schemes}; its sinks are in-memory ones. */
    private record Claims(Set<String> schemes, List<String> examples) implements SinkFactory {
        @Override
        public Sink create(String uri, Settings settings) {
            return new InMemorySink();
        }
    }

    /** A plugin that also administers schemas. */
    private record Database(Set<String> schemes, List<String> examples) implements SinkFactory, SchemaAdmin {
        @Override
        public Sink create(String uri, Settings settings) {
            return new InMemorySink();
        }

        @Override
        public List<String> migrate(String uri, Settings settings) {
            return List.of("migrated " + uri);
        }

        @Override
        public List<String> info(String uri, Settings settings) {
            return List.of();
        }
    }

    private final SinkFactory lake = new Claims(Set.of("parquet"), List.of("parquet:DIR"));
    private final SinkFactory database = new Database(Set.of("pg", "pgsql", "jdbc:pgsql"), List.of("pg", "pgsql://..."));
    private final SinkFactory jdbc = new Claims(Set.of("jdbc"), List.of("jdbc:..."));
    private final Plugins plugins = new Plugins(Map.of("src", settings -> null), Map.of("lake", lake, "db", database, "jdbc", jdbc));

    @Test
    void findsTheSinkPluginByTheLongestSchemeTheUriHas() {
        assertThat(plugins.sinkPlugin("parquet:./data")).isSameAs(lake);
        assertThat(plugins.sinkPlugin(" PG ")).as("a bare scheme, any case").isSameAs(database);
        assertThat(plugins.sinkPlugin("pgsql://u@h/db")).isSameAs(database);
        assertThat(plugins.sinkPlugin("jdbc:pgsql://h/db")).as("jdbc:pgsql is longer than jdbc").isSameAs(database);
        assertThat(plugins.sinkPlugin("jdbc:other://h")).isSameAs(jdbc);
        assertThat(plugins.findSinkPlugin("parquetish:x")).as("a scheme must end at ':'").isEmpty();
    }

    @Test
    void unknownSinkListsEveryPluginsExamplesSortedByName() {
        assertThatThrownBy(() -> plugins.sink("ftp://x", Settings.of(Map.of())))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE))
                .hasMessage("Unknown sink 'ftp' (known: pg or pgsql://..., jdbc:..., parquet:DIR)");
    }

    @Test
    void unknownSourceListsTheKnownNames() {
        assertThatThrownBy(() -> plugins.source("SRC2", Settings.of(Map.of())))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE))
                .hasMessage("Unknown source 'SRC2' (known: src)");
        assertThat(plugins.sourcePlugin("SRC").spelling()).as("the default spelling").isSameAs(SymbolSpelling.CANONICAL);
    }

    @Test
    void answersCapabilitiesOnlyForPluginsThatOfferThem() {
        assertThat(plugins.sinkCapability("pg", SchemaAdmin.class)).get().satisfies(admin ->
                assertThat(admin.migrate("pg", Settings.of(Map.of()))).containsExactly("migrated pg"));
        assertThat(plugins.sinkCapability("parquet:x", SchemaAdmin.class)).as("the lake has no schema").isEmpty();
        assertThat(plugins.sinkCapability("ftp://x", SchemaAdmin.class)).as("no plugin at all").isEmpty();
        assertThat(plugins.sinkCapability("pg", ObjectReader.class)).isEmpty();
        assertThat(plugins.sinkExamples(SchemaAdmin.class)).containsExactly("pg", "pgsql://...");
        try (Sink sink = plugins.sink("pg", Settings.of(Map.of()))) {
            assertThat(sink.capability(SchemaAdmin.class)).as("an opened sink offers only what it implements").isEmpty();
        }
    }

    @Test
    void refusesTwoPluginsClaimingOneScheme() {
        assertThatThrownBy(() -> new Plugins(Map.of(), Map.of("a", lake, "b", new Claims(Set.of("PARQUET"), List.of("parquet:X")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Sink plugins 'a' and 'b' both claim the scheme 'PARQUET'");
    }

    @Test
    void modulesRegisterThroughTheBinderHelper() {
        SourceFactory source = new SourceFactory() {
            @Override
            public Source create(Settings settings) {
                return null;
            }

            @Override
            public SymbolSpelling spelling() {
                return SymbolSpelling.DASHED_SHARE_CLASS;
            }
        };
        Plugins registered = Guice.createInjector(new CoreModule(), new AbstractModule() {
            @Override
            protected void configure() {
                IngestBinder.sources(binder()).addBinding("dashed").toInstance(source);
                IngestBinder.sinks(binder()).addBinding("lake").toInstance(lake);
            }
        }).getInstance(Plugins.class);
        assertThat(registered.sources()).containsOnlyKeys("dashed");
        assertThat(registered.sourcePlugin("dashed").spelling().spell(Symbol.parse("BRK.B"))).isEqualTo("BRK-B");
        assertThat(registered.sinkPlugin("parquet:/tmp/x")).isSameAs(lake);
    }
}
