package io.stockingest.secrets.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Secrets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings from {@code aws-sm://} references, resolved by the real AWS SDK client against a local HTTP server that
 * answers Secrets Manager's JSON 1.1 protocol ({@code POST /}, {@code X-Amz-Target: secretsmanager.GetSecretValue})
 * with the shapes the API reference documents, including its {@code ResourceNotFoundException} and
 * {@code AccessDeniedException} error bodies.
 */
class AwsSecretsManagerStoreTest {
    private static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";
    private HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile boolean denyAll;

    @TempDir
    Path work;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestHeaders().getFirst("X-Amz-Target") + " " + body);
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            String id = body.replaceAll("(?s).*\"SecretId\"\\s*:\\s*\"([^\"]*)\".*", "$1");
            int status;
            String answer;
            if (denyAll) {
                status = 400;
                answer = "{\"__type\":\"AccessDeniedException\",\"Message\":\"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: secretsmanager:GetSecretValue\"}";
            } else if (secrets.containsKey(id)) {
                status = 200;
                answer = "{\"ARN\":\"" + ARN + id + "-AbCdEf\",\"Name\":\"" + id + "\",\"VersionId\":\"EXAMPLE1-90ab-cdef-fedc-ba987SECRET1\","
                        + "\"SecretString\":" + quote(secrets.get(id)) + ",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.523477145713E9}";
            } else {
                status = 400;
                answer = "{\"__type\":\"ResourceNotFoundException\",\"Message\":\"Secrets Manager can't find the specified secret.\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private Map<String, String> aws() {
        return Map.of("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:" + server.getAddress().getPort(), "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    }

    private Settings load(Map<String, String> environment) {
        Map<String, String> all = new java.util.HashMap<>(aws());
        all.putAll(environment);
        return Settings.load(all, work.resolve(".env"), Map.of());
    }

    @Test
    void resolvesAPlainSecretAndAJsonFieldOnceEachAndRedactsThem() {
        secrets.put("prod/fmp", "fmpKeyFromSecretsManager42");
        secrets.put("prod/db", "{\"username\":\"ingest\",\"password\":\"pgPassFromSM-9f8e\",\"port\":5432}");
        Settings settings = load(Map.of("FMP_API_KEY", "aws-sm://prod/fmp", "PG_PASSWORD", "aws-sm://prod/db#password",
                "PG_USER", "aws-sm://prod/db#username", "S3_BUCKET", "s3://not-a-secret-reference"));
        assertThat(settings.get("FMP_API_KEY")).contains("fmpKeyFromSecretsManager42");
        assertThat(settings.get("PG_PASSWORD")).contains("pgPassFromSM-9f8e");
        assertThat(settings.get("PG_USER")).contains("ingest");
        assertThat(settings.get("S3_BUCKET")).contains("s3://not-a-secret-reference");
        // one request per distinct secret id and field reference, through the documented operation, signed (SigV4)
        assertThat(requests).hasSize(3).allMatch(r -> r.startsWith("secretsmanager.GetSecretValue {"));
        assertThat(requests).anyMatch(r -> r.contains("\"SecretId\":\"prod/fmp\"")).anyMatch(r -> r.contains("\"SecretId\":\"prod/db\""));
        assertThat(authorizations).allMatch(a -> a.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
        // every resolved value, the whole JSON document included, is masked in anything the tool prints
        assertThat(Secrets.redact("key fmpKeyFromSecretsManager42 pass pgPassFromSM-9f8e")).isEqualTo("key **** pass ****");
    }

    @Test
    void readsReferencesFromTheDotEnvFileToo() throws IOException {
        secrets.put("team/polygon", "polyFromDotEnvSecret77");
        Files.writeString(work.resolve(".env"), "POLYGON_API_KEY=aws-sm://team/polygon\n");
        assertThat(load(Map.of()).get("POLYGON_API_KEY")).contains("polyFromDotEnvSecret77");
    }

    @Test
    void aMissingSecretIsAConfigurationErrorNamingItWithoutAnyValue() {
        assertThatThrownBy(() -> load(Map.of("FMP_API_KEY", "aws-sm://prod/nope")))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessage("Cannot read aws-sm://prod/nope: no such secret in region us-east-1 (check the name and AWS_REGION)");
    }

    @Test
    void aRefusedReadNamesTheErrorCodeAndThePermission() {
        denyAll = true;
        assertThatThrownBy(() -> load(Map.of("FMP_API_KEY", "aws-sm://prod/fmp")))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessage("Cannot read aws-sm://prod/fmp: 400 AccessDeniedException (check the credentials' secretsmanager:GetSecretValue permission)");
    }

    @Test
    void aFieldTheSecretLacksIsNamedWithTheFieldsItHas() {
        secrets.put("prod/db", "{\"username\":\"ingest\",\"password\":\"pw-abcdef\"}");
        assertThatThrownBy(() -> load(Map.of("PG_PASSWORD", "aws-sm://prod/db#pasword")))
                .hasMessage("Cannot read field 'pasword' of aws-sm://prod/db: no such text field (it has username, password)");
        secrets.put("prod/plain", "not json at all");
        assertThatThrownBy(() -> load(Map.of("PG_PASSWORD", "aws-sm://prod/plain#password")))
                .hasMessage("Cannot read field 'password' of aws-sm://prod/plain: the secret is not a JSON object");
    }

    @Test
    void aMalformedReferenceSaysHowToWriteOne() {
        assertThatThrownBy(() -> load(Map.of("FMP_API_KEY", "aws-sm://#field")))
                .hasMessage("aws-sm://#field is not a secret reference: write aws-sm://SECRET_ID or aws-sm://SECRET_ID#json-field");
        assertThat(requests).isEmpty();
    }
}
