package dev.wharf.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

class TerminalProgressTest {
    @Test
    void theLineShowsItemsBytesRateAndAnEtaWhileUnfinished() {
        StringWriter out = new StringWriter();
        TerminalProgress progress = new TerminalProgress(new PrintWriter(out));
        progress.begin("verify", "blobs", 4, 4L << 20);

        progress.advance(1, 1L << 20);

        assertThat(out.toString(), containsString("\rverify: 1/4 blobs, 1.0 MiB/4.0 MiB, "));
        assertThat(out.toString(), containsString("/s, ETA 0:"));
        progress.advance(3, 3L << 20);
        progress.end();
        assertThat(out.toString(), containsString("verify: 4/4 blobs, 4.0 MiB/4.0 MiB"));
        assertThat(out.toString(), endsWith(System.lineSeparator()));
    }
}
