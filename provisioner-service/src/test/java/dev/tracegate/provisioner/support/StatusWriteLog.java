package dev.tracegate.provisioner.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Every TempoGateway status the provisioner sent to the (mock) API server in this test JVM, which checks no schema:
 * one JSON line per write in a file, read after the suite and checked against the CRD (as {@link ApiRequestLog}).
 */
public final class StatusWriteLog {
    private static final Path FILE = Path.of("target", "tempogateway-status-writes-" + ProcessHandle.current().pid() + ".jsonl");
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusWriteLog() {
    }

    /** One write: the TempoGateway ("namespace/name") and the status it was sent. */
    public record StatusWrite(String gateway, JsonNode status) {
    }

    /** An update of the status subresource: StatusWriter writes the status whole, never as a patch. */
    static boolean isStatusWrite(ApiRequestLog.ApiRequest request) {
        return request.verb().equals("update") && request.resource().equals("tempogateways") && request.subresource().equals("status");
    }

    /** The body of the update is the whole TempoGateway: its status is kept. */
    static synchronized void append(ApiRequestLog.ApiRequest request, String body) {
        try {
            JsonNode status = JSON.readTree(body).path("status");
            String line = JSON.writeValueAsString(JSON.createObjectNode()
                    .put("gateway", request.namespace() + "/" + request.name()).set("status", status));
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What this JVM recorded so far; empty when no provisioner ran. */
    public static List<StatusWrite> read() {
        try {
            if (!Files.exists(FILE)) {
                return List.of();
            }
            return Files.readAllLines(FILE).stream().filter(l -> !l.isBlank()).map(StatusWriteLog::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static StatusWrite parse(String line) {
        try {
            JsonNode write = JSON.readTree(line);
            return new StatusWrite(write.path("gateway").asText(), write.path("status"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
