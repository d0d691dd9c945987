package io.stockingest.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void masksRegisteredValuesQueryKeysPasswordsAndBearerTokens() {
        Secrets.register("REGISTERED-SECRET-42");
        assertThat(Secrets.redact("key REGISTERED-SECRET-42 leaked")).isEqualTo("key **** leaked");
        assertThat(Secrets.redact("GET https://x/y?symbol=A&apikey=abc123&from=1")).isEqualTo("GET https://x/y?symbol=A&apikey=****&from=1");
        assertThat(Secrets.redact("https://x/y?apiKey=abc&crumb=haT3oykhHqZ")).isEqualTo("https://x/y?apiKey=****&crumb=****");
        assertThat(Secrets.redact("postgresql://me:hunter22@db:5432/x")).isEqualTo("postgresql://me:****@db:5432/x");
        assertThat(Secrets.redact("Authorization: Bearer abc.def")).isEqualTo("Authorization: Bearer ****");
        assertThat(Secrets.redact("nothing to hide")).isEqualTo("nothing to hide");
    }
}
