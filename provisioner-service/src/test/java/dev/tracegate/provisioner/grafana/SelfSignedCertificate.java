package dev.tracegate.provisioner.grafana;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;

/**
 * A self-signed certificate for 127.0.0.1, made by the JDK's keytool (no extra library): the server side as an
 * {@link SSLContext}, the client side as the PEM a GrafanaConnection trusts.
 */
record SelfSignedCertificate(SSLContext serverTls, String pem) {

    private static final String PASSWORD = "changeit";

    static SelfSignedCertificate forLoopback() {
        try {
            Path dir = Files.createTempDirectory("grafana-tls");
            Path keystore = dir.resolve("server.p12");
            keytool("-genkeypair", "-alias", "grafana", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
            Path pem = dir.resolve("server.pem");
            keytool("-exportcert", "-rfc", "-alias", "grafana", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                    "-file", pem.toString());

            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, PASSWORD.toCharArray());
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD.toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, null);
            String pemText = Files.readString(pem);
            Files.delete(pem);
            Files.delete(keystore);
            Files.delete(dir);
            return new SelfSignedCertificate(tls, pemText);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    private static void keytool(String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
