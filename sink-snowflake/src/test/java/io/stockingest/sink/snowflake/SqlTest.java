package io.stockingest.sink.snowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlTest {
    @Test
    void plainNamesAreUpperCasedLikeUnquotedSnowflakeNames() {
        assertThat(Sql.id("prices_daily")).isEqualTo("\"PRICES_DAILY\"");
        assertThat(Sql.id("Stock_Ingest$2")).isEqualTo("\"STOCK_INGEST$2\"");
    }

    @Test
    void otherNamesAreKeptExactlyWithQuotesDoubled() {
        assertThat(Sql.id("my schema")).isEqualTo("\"my schema\"");
        assertThat(Sql.id("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(Sql.id("2024data")).isEqualTo("\"2024data\"");
        assertThat(Sql.id("x\"; DROP TABLE t; --")).isEqualTo("\"x\"\"; DROP TABLE t; --\"");
    }

    @Test
    void alreadyQuotedNamesAreTakenAsTheQuotedIdentifier() {
        assertThat(Sql.id("\"lower_case\"")).isEqualTo("\"lower_case\"");
        assertThat(Sql.id("\"say \"\"hi\"\"\"")).isEqualTo("\"say \"\"hi\"\"\"");
    }

    @Test
    void qualifiedNamesQuoteEachPartAndKeepDotsInsideQuotes() {
        assertThat(Sql.qualified("lake.public.lake_stage")).isEqualTo("\"LAKE\".\"PUBLIC\".\"LAKE_STAGE\"");
        assertThat(Sql.qualified("\"my.db\".raw.\"s 1\"")).isEqualTo("\"my.db\".\"RAW\".\"s 1\"");
        assertThatThrownBy(() -> Sql.qualified("a.b.c.d")).hasMessage("'a.b.c.d' is not a name of the form [database.][schema.]name");
        assertThatThrownBy(() -> Sql.qualified("a..b")).hasMessage("'a..b' is not a name of the form [database.][schema.]name");
        assertThatThrownBy(() -> Sql.qualified("\"open")).hasMessage("unterminated double quote in '\"open'");
        assertThatThrownBy(() -> Sql.id("")).hasMessage("an identifier cannot be empty");
    }

    @Test
    void literalsDoubleQuotesAndEscapeBackslashes() {
        assertThat(Sql.literal("it's")).isEqualTo("'it''s'");
        assertThat(Sql.literal("C:\\tmp\\x")).isEqualTo("'C:\\\\tmp\\\\x'");
        assertThat(Sql.literal("a\\'; DROP")).isEqualTo("'a\\\\''; DROP'");
    }
}
