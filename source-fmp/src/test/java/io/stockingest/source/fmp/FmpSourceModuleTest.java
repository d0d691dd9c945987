package io.stockingest.source.fmp;

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

class FmpSourceModuleTest {
    @Test
    void registersTheFmpSource() {
        Map<String, SourceFactory> sources = Guice.createInjector(new CoreModule(new FakeTicker()), new FmpSourceModule())
                .getInstance(Key.get(new TypeLiteral<Map<String, SourceFactory>>() {}));

        assertThat(sources).containsOnlyKeys("fmp");
        try (Source source = sources.get("fmp").create(Settings.of(Map.of("FMP_API_KEY", "fmp_module_test_5566")))) {
            assertThat(source.name()).isEqualTo("fmp");
            assertThat(source.datasets()).containsExactlyInAnyOrder(Dataset.PRICES, Dataset.FUNDAMENTALS, Dataset.ACTIONS, Dataset.QUOTES);
        }
    }
}
