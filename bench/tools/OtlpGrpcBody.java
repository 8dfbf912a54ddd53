import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * bench/run.sh's grpc case: writes one gRPC message (5-byte frame header + protobuf) of an OTLP
 * ExportTraceServiceRequest with one resource ("service.name" = "checkout") and N spans, for h2load -d.
 * Encoded by hand (field numbers of opentelemetry/proto/trace/v1/trace.proto) to need no protobuf library.
 * Run with the JDK's source launcher: java OtlpGrpcBody.java spans out-file
 */
public final class OtlpGrpcBody {

    public static void main(String[] args) throws IOException {
        int spans = Integer.parseInt(args[0]);
        ByteArrayOutputStream scopeSpans = new ByteArrayOutputStream();
        field(scopeSpans, 1, message(out -> field(out, 1, "bench")));                 // scope { name }
        for (int i = 0; i < spans; i++) {
            int n = i;
            field(scopeSpans, 2, message(span -> {
                field(span, 1, bytes(16, 0x44 + n));                                 // trace_id
                field(span, 2, bytes(8, 0x10 + n));                                  // span_id
                field(span, 5, "SELECT orders " + n);                                // name
                tag(span, 6, 0);
                varint(span, 3);                                                     // kind: CLIENT
                fixed64(span, 7, 1_700_000_000_000_000_000L + n);                    // start_time_unix_nano
                fixed64(span, 8, 1_700_000_000_002_000_000L + n);                    // end_time_unix_nano
                field(span, 9, keyValue("db.statement", "SELECT * FROM orders WHERE id = $1"));
                field(span, 9, keyValue("net.peer.name", "orders-db"));
            }));
        }
        byte[] resourceSpans = message(out -> {
            field(out, 1, message(resource -> field(resource, 1, keyValue("service.name", "checkout"))));
            field(out, 2, scopeSpans.toByteArray());
        });
        byte[] request = message(out -> field(out, 1, resourceSpans));
        try (FileOutputStream file = new FileOutputStream(args[1])) {
            file.write(0);                                                           // not compressed
            file.write(new byte[] {(byte) (request.length >>> 24), (byte) (request.length >>> 16),
                (byte) (request.length >>> 8), (byte) request.length});
            file.write(request);
        }
    }

    private interface Writer {
        void write(ByteArrayOutputStream out) throws IOException;
    }

    private static byte[] message(Writer writer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out);
        return out.toByteArray();
    }

    private static byte[] keyValue(String key, String value) throws IOException {
        return message(kv -> {
            field(kv, 1, key);
            field(kv, 2, message(any -> field(any, 1, value)));                      // AnyValue.string_value
        });
    }

    private static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private static void field(ByteArrayOutputStream out, int number, String value) {
        field(out, number, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] value) {
        tag(out, number, 2);
        varint(out, value.length);
        out.writeBytes(value);
    }

    private static void fixed64(ByteArrayOutputStream out, int number, long value) {
        tag(out, number, 1);
        for (int i = 0; i < 8; i++) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }

    private static void tag(ByteArrayOutputStream out, int number, int wireType) {
        varint(out, (number << 3) | wireType);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
