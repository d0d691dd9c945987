package io.stockingest.secrets.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockingest.aws.AwsSettings;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.SecretStore;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Secrets;
import java.net.URI;
import java.time.Duration;
import java.util.StringJoiner;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Settings given as {@code aws-sm://SECRET_ID[#json-field]}: the secret's {@code SecretString} from AWS Secrets
 * Manager ({@code GetSecretValue}, its current version), or one top-level field of it when the secret holds a JSON
 * object, as the console's key/value secrets do. {@code SECRET_ID} is a name or an ARN.
 *
 * <p>The client is built from the run's settings: {@code AWS_REGION} (default {@code us-east-1}),
 * {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} or {@code AWS_ENDPOINT_URL} (a local or VPC endpoint), credentials from
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}[/{@code AWS_SESSION_TOKEN}] when the settings (or the
 * {@code .env} file) hold them, else the SDK's default chain (environment, profile, container and instance roles).
 * A failure is a configuration error (exit 2) naming the secret id and the service's error code, never a value.
 *
 * <p>Thread-safe; {@link Settings#load} asks once per distinct reference and run.
 */
public final class AwsSecretsManagerStore implements SecretStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String scheme() {
        return "aws-sm";
    }

    @Override
    public String resolve(String reference, Settings settings) {
        int hash = reference.indexOf('#');
        String secretId = hash < 0 ? reference : reference.substring(0, hash);
        String field = hash < 0 ? null : reference.substring(hash + 1);
        if (secretId.isBlank() || (field != null && field.isBlank())) {
            throw new IngestException(ErrorKind.CONFIG, "aws-sm://" + reference + " is not a secret reference: write aws-sm://SECRET_ID or aws-sm://SECRET_ID#json-field");
        }
        String where = "aws-sm://" + secretId;
        GetSecretValueResponse answer;
        try (SecretsManagerClient client = client(settings)) {
            answer = client.getSecretValue(request -> request.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot read " + where + ": no such secret in region " + AwsSettings.regionName(settings)
                    + " (check the name and AWS_REGION)", e);
        } catch (SecretsManagerException e) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot read " + where + ": " + e.statusCode() + " "
                    + e.awsErrorDetails().errorCode() + " (check the credentials' secretsmanager:GetSecretValue permission)", e);
        } catch (SdkException e) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot read " + where + ": " + Secrets.redact(e.getMessage()), e);
        }
        String text = answer.secretString();
        if (text == null) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot read " + where + ": it holds a binary secret; store the value as a secret string");
        }
        Secrets.register(text);
        return field == null ? text : field(where, text, field);
    }

    private static String field(String where, String text, String field) {
        JsonNode object;
        try {
            object = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot read field '" + field + "' of " + where + ": the secret is not a JSON object");
        }
        JsonNode value = object == null || !object.isObject() ? null : object.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot read field '" + field + "' of " + where + ": "
                    + (object != null && object.isObject() ? "no such text field (it has " + fieldNames(object) + ")" : "the secret is not a JSON object"));
        }
        String out = value.asText();
        Secrets.register(out);
        return out;
    }

    private static String fieldNames(JsonNode object) {
        StringJoiner names = new StringJoiner(", ");
        object.fieldNames().forEachRemaining(names::add);
        return names.toString();
    }

    private static SecretsManagerClient client(Settings settings) {
        var builder = SecretsManagerClient.builder()
                .region(AwsSettings.region(settings))
                .credentialsProvider(AwsSettings.credentials(settings))
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(30)));
        settings.get("AWS_ENDPOINT_URL_SECRETS_MANAGER").or(() -> settings.get("AWS_ENDPOINT_URL"))
                .ifPresent(endpoint -> builder.endpointOverride(URI.create(endpoint)));
        return builder.build();
    }
}
