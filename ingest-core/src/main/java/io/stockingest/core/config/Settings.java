package io.stockingest.core.config;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The settings of one run: command-line values win over the environment, which wins over a {@code .env} file in
 * the working directory. Every value whose name looks secret ({@code *_KEY}, {@code *PASSWORD*}, {@code *TOKEN*},
 * {@code *SECRET*}, {@code DATABASE_URL}) is registered with {@link Secrets} as it is read. A value may instead name
 * where the secret lives ({@code aws-sm://SECRET_ID[#json-field]}): {@link #load} resolves it through the
 * {@link SecretStore} of that scheme.
 *
 * <p>Immutable and thread-safe.
 */
public final class Settings {
    private static final Pattern SECRET_NAME = Pattern.compile(".*(_KEY|KEY_ID|PASSWORD|TOKEN|SECRET|DATABASE_URL|PRIVATE_KEY|CREDENTIAL).*");
    /** Schemes of {@link SecretStore}s this product ships; a value in one of them is never taken literally. */
    private static final Set<String> STORE_SCHEMES = Set.of("aws-sm");
    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
        this.values.forEach((name, value) -> {
            if (isSecretName(name) && !isStoreReference(value)) { // a reference says where a secret is, not what
                Secrets.register(value);
            }
        });
    }

    /** Whether a setting of this name holds a secret, registered for redaction as it is read (docs/settings.md marks them). */
    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(requireNonNull(name, "name is null")).matches();
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** Environment over {@code .env} (if the file exists); {@code overrides} (flags) over both. */
    public static Settings load(Map<String, String> environment, Path dotEnv, Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (dotEnv != null && Files.isRegularFile(dotEnv)) {
            merged.putAll(parseDotEnv(dotEnv));
        }
        merged.putAll(environment);
        merged.putAll(overrides);
        return resolveReferences(new Settings(merged), ServiceLoader.load(SecretStore.class, Settings.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList());
    }

    /**
     * Replaces every value of the form {@code SCHEME://REFERENCE} whose scheme one of {@code stores} answers (e.g.
     * {@code aws-sm://prod/keys#fmp}) with the store's answer, asking each distinct reference once, and registers the
     * answer as a secret whatever the setting's name. A value with the {@code aws-sm://} scheme and no store to
     * answer it is a configuration error (the module is missing), not a literal value.
     */
    public static Settings resolveReferences(Settings settings, List<SecretStore> stores) {
        Map<String, SecretStore> byScheme = new HashMap<>();
        stores.forEach(store -> byScheme.put(store.scheme(), store));
        Map<String, String> answers = new HashMap<>();
        Map<String, String> resolved = new LinkedHashMap<>(settings.values);
        boolean changed = false;
        for (Map.Entry<String, String> entry : settings.values.entrySet()) {
            String value = entry.getValue() == null ? "" : entry.getValue().strip();
            int separator = value.indexOf("://");
            if (separator <= 0) {
                continue;
            }
            String scheme = value.substring(0, separator);
            SecretStore store = byScheme.get(scheme);
            if (store == null) {
                if (STORE_SCHEMES.contains(scheme)) {
                    throw new IngestException(ErrorKind.CONFIG, entry.getKey() + " names an AWS Secrets Manager secret, but this build has no aws-sm store");
                }
                continue;
            }
            String answer = answers.computeIfAbsent(value, reference -> store.resolve(reference.substring(separator + 3), settings));
            Secrets.register(answer);
            resolved.put(entry.getKey(), answer);
            changed = true;
        }
        return changed ? new Settings(resolved) : settings;
    }

    private static boolean isStoreReference(String value) {
        int separator = value == null ? -1 : value.strip().indexOf("://");
        return separator > 0 && STORE_SCHEMES.contains(value.strip().substring(0, separator));
    }

    public Optional<String> get(String name) {
        String value = values.get(requireNonNull(name, "name is null"));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public String get(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    /**
     * A whole number of at least 1, or {@code defaultValue} when unset.
     *
     * @throws IllegalArgumentException naming the setting when the value is not a positive whole number
     */
    public int positiveInt(String name, int defaultValue) {
        String text = get(name, Integer.toString(defaultValue));
        try {
            int value = Integer.parseInt(text);
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " '" + text + "' is not a positive whole number");
    }

    public Settings with(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(name, value);
        return new Settings(copy);
    }

    /**
     * Reads a {@code .env} file: {@code NAME=value} lines, optional {@code export} prefix, {@code #} comments,
     * single quotes (literal) and double quotes (with {@code \n}, {@code \"} and {@code \\} escapes).
     */
    public static Map<String, String> parseDotEnv(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.CONFIG, "Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Map<String, String> out = new LinkedHashMap<>();
        int lineNo = 0;
        for (String raw : text.split("\\R")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IngestException(ErrorKind.CONFIG, file + " line " + lineNo + ": expected NAME=value");
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            out.put(name, unquote(value, file, lineNo));
        }
        return out;
    }

    private static String unquote(String value, Path file, int lineNo) {
        if (value.startsWith("'")) {
            int end = value.indexOf('\'', 1);
            if (end < 0) {
                throw new IngestException(ErrorKind.CONFIG, file + " line " + lineNo + ": unterminated single quote");
            }
            return value.substring(1, end);
        }
        if (value.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length()) {
                    char next = value.charAt(++i);
                    out.append(switch (next) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        default -> next;
                    });
                } else if (c == '"') {
                    return out.toString();
                } else {
                    out.append(c);
                }
            }
            throw new IngestException(ErrorKind.CONFIG, file + " line " + lineNo + ": unterminated double quote");
        }
        int comment = value.indexOf(" #");
        return comment >= 0 ? value.substring(0, comment).strip() : value;
    }
}
