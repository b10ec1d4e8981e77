package dev.wharf.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON object per line for each request, to stdout or appended to a file, written by a thread of its own: an
 * event loop only puts the line in a bounded queue, and a full queue (a disk or a pipe that does not keep up) drops
 * the line and counts it rather than slow a request down. The caller builds each entry from fields it chose (no
 * headers, no query strings), so no credential can reach the log.
 */
public final class AccessLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String END = "";

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(16_384);
    private final AtomicLong dropped = new AtomicLong();
    private final Writer out;
    private final Thread writer;
    private volatile boolean closing;

    private AccessLog(OutputStream stream, String target) {
        this.out = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
        this.writer = new Thread(this::drain, "wharf-access-log");
        writer.setDaemon(true);
        writer.start();
        LOG.info("access log to {}", target);
    }

    /** {@code stdout}, or a file appended to (created with its folders). */
    public static AccessLog open(String target) throws IOException {
        if (target.equals("stdout")) {
            return new AccessLog(new java.io.FileOutputStream(java.io.FileDescriptor.out), "stdout");
        }
        Path file = Path.of(target);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new AccessLog(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), file.toString());
    }

    /** Queues one entry (field order kept); never blocks. */
    public void write(Map<String, Object> entry) {
        String line;
        try {
            line = JSON.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an access log entry is not JSON: " + e.getMessage(), e);
        }
        if (closing || !lines.offer(line)) {
            if (dropped.incrementAndGet() % 10_000 == 1) {
                LOG.warn("access log falls behind: {} line(s) dropped so far", dropped.get());
            }
        }
    }

    /** Lines dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        List<String> batch = new ArrayList<>();
        try {
            while (true) {
                String first = lines.take();
                batch.add(first);
                lines.drainTo(batch, 1023);
                boolean end = false;
                for (String line : batch) {
                    if (line == END) { // the marker close() puts: everything before it is written
                        end = true;
                        break;
                    }
                    out.write(line);
                    out.write('\n');
                }
                out.flush();
                batch.clear();
                if (end) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.error("cannot write the access log: {}", e.toString());
        }
    }

    /** Writes what is queued (for up to 5 s), then stops. */
    @Override
    public void close() {
        closing = true;
        try {
            lines.put(END);
            writer.join(TimeUnit.SECONDS.toMillis(5));
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("closing the access log: {}", e.toString());
        }
    }
}
