package dev.tracegate.gateway.packaged;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What the build produced, launched as a process by the tests that need more than {@code @QuarkusIntegrationTest}
 * gives (signals, environment variables, a start that must fail): the jar under this test's own java, or the native
 * executable with {@code -Dnative}, as {@code target/quarkus-artifact.properties} (Quarkus' record for its own
 * integration tests) says.
 */
public final class PackagedGateway {

    static final Path ARTIFACT = Path.of("target", "quarkus-artifact.properties");

    private PackagedGateway() {
    }

    /** The command line that starts the packaged gateway with these {@code -D} settings. */
    public static List<String> command(List<String> settings) throws IOException {
        assertTrue(Files.isRegularFile(ARTIFACT),
                ARTIFACT.toAbsolutePath() + " is missing: run mvn verify (failsafe runs after package)");
        Properties artifact = new Properties();
        try (Reader reader = Files.newBufferedReader(ARTIFACT)) {
            artifact.load(reader);
        }
        Path built = Path.of("target").resolve(artifact.getProperty("path"));
        List<String> command = new ArrayList<>();
        if ("native".equals(artifact.getProperty("type"))) {
            // -Dnative: the executable takes the same -D settings.
            command.add(built.toString());
            command.addAll(settings);
        } else {
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(settings);
            command.addAll(List.of("-jar", built.toString()));
        }
        return command;
    }
}
