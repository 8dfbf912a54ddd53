package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/** Large traces pass through as a stream: the gateway holds neither the whole answer nor a growing share of it. */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class StreamingTest {

    private static final long MIB = 1L << 20;

    @TestHTTPResource("/api/traces/v1/team-a/tempo/api/traces/0af7651916cd43dd8448eb211c80319c")
    URL bigTrace;

    @Test
    void a50MibTraceIsForwardedWhileTempoIsStillSendingIt() throws Exception {
        TempoStandIn tempo = TempoStandInResource.tempo();
        tempo.reset();
        CompletableFuture<Void> resume = new CompletableFuture<>();
        // Tempo sends 20 MiB, then holds the other 30 MiB until the test has read those 20 through the gateway.
        tempo.streamLargeBody(50 * MIB, 20 * MIB, resume);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = usedHeapAfterGc(memory);

        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(bigTrace.toString()))
                        .header("Authorization", "Bearer " + KeycloakTestResource.accessToken(KeycloakTestResource.ANNA))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (InputStream body = response.body()) {
            long firstPart = readAndVerify(body, 0, 20 * MIB);
            assertEquals(20 * MIB, firstPart);
            assertEquals(20 * MIB, tempo.streamProgress().paused().get(30, TimeUnit.SECONDS));
            assertFalse(tempo.streamProgress().ended(), "Tempo has not finished: the client got the bytes as they came");

            long heapDuring = usedHeapAfterGc(memory);
            assertTrue(heapDuring - heapBefore < 16 * MIB,
                    "heap grew by " + (heapDuring - heapBefore) / MIB + " MiB while 20 MiB passed through");

            resume.complete(null);
            long rest = readAndVerify(body, 20 * MIB, Long.MAX_VALUE);
            assertEquals(30 * MIB, rest, "the whole trace arrives, byte for byte");
        }
    }

    /** Reads up to {@code max} bytes (or to the end), checking each against the stand-in's content at its offset. */
    private static long readAndVerify(InputStream in, long offset, long max) throws Exception {
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        while (read < max) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, max - read));
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (buffer[i] != TempoStandIn.contentByte(offset + read + i)) {
                    throw new AssertionError("byte " + (offset + read + i) + " differs");
                }
            }
            read += n;
        }
        return read;
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
