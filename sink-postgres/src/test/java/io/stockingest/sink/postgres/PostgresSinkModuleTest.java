package io.stockingest.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.stockingest.core.spi.SinkFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresSinkModuleTest {
    @Test
    void registersThePostgresSinkScheme() {
        Map<String, SinkFactory> sinks = Guice.createInjector(new PostgresSinkModule()).getInstance(Key.get(new TypeLiteral<Map<String, SinkFactory>>() {}));
        assertThat(sinks).containsOnlyKeys("postgres");
        assertThat(sinks.get("postgres")).isInstanceOf(PostgresSinkFactory.class);
    }
}
