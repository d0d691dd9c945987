package io.stockingest.source.polygon;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.stockingest.core.config.Settings;
import io.stockingest.core.inject.CoreModule;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.SourceFactory;
import io.stockingest.core.testkit.FakeTicker;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolygonSourceModuleTest {
    @Test
    void registersPolygonSource() {
        Map<String, SourceFactory> sources = Guice.createInjector(new CoreModule(new FakeTicker()), new PolygonSourceModule())
                .getInstance(Key.get(new TypeLiteral<Map<String, SourceFactory>>() {}));

        assertThat(sources).containsOnlyKeys("polygon");
        try (Source source = sources.get("polygon").create(Settings.of(Map.of("POLYGON_API_KEY", "pk_module_test_77aa88bb")))) {
            assertThat(source.name()).isEqualTo("polygon");
            assertThat(source.datasets()).containsExactlyInAnyOrder(Dataset.PRICES, Dataset.OPTIONS, Dataset.ACTIONS, Dataset.QUOTES);
        }
    }
}
