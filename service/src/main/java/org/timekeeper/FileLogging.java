package org.timekeeper;

import ch.qos.logback.access.common.spi.IAccessEvent;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.logging.common.AppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.common.FileAppenderFactory;
import io.dropwizard.logging.json.AccessJsonLayoutBaseFactory;
import io.dropwizard.logging.json.EventJsonLayoutBaseFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import io.dropwizard.request.logging.RequestLogFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The log files a node writes besides stdout when LOG_DIR is set (logDir and its rolling settings). */
final class FileLogging {

    private FileLogging() {
    }

    /**
     * LOG_DIR adds file appenders next to stdout. Done in code because YAML cannot make an
     * appender conditional on a variable being set.
     */
    static void addWhenLogDirIsSet(TimekeeperConfiguration configuration) {
        final String logDir = configuration.getLogDir();
        if (logDir.isBlank()) {
            return;
        }
        final Path dir = Path.of(logDir.trim());
        if (configuration.getLoggingFactory() instanceof DefaultLoggingFactory logging) {
            final FileAppenderFactory<ILoggingEvent> file = rollingFile(configuration, dir, "timekeeper");
            file.setLayout(new EventJsonLayoutBaseFactory());
            final List<AppenderFactory<ILoggingEvent>> appenders = new ArrayList<>(logging.getAppenders());
            appenders.add(file);
            logging.setAppenders(appenders);
        }
        if (configuration.getServerFactory() instanceof DefaultServerFactory server) {
            final RequestLogFactory<?> requestLog = server.getRequestLogFactory();
            if (requestLog instanceof LogbackAccessRequestLogFactory access) {
                final FileAppenderFactory<IAccessEvent> file = rollingFile(configuration, dir, "requests");
                file.setLayout(new AccessJsonLayoutBaseFactory());
                final List<AppenderFactory<IAccessEvent>> appenders = new ArrayList<>(access.getAppenders());
                appenders.add(file);
                access.setAppenders(appenders);
            }
        }
    }

    /**
     * Rolls daily and at logMaxFileSize (%d and %i: logback's size-and-time policy, which
     * compresses off the logging thread); keeps logArchiveDays of archives and never more
     * than logTotalSizeCap of them, so a busy node cannot fill its disk with logs.
     */
    private static <E extends ch.qos.logback.core.spi.DeferredProcessingAware> FileAppenderFactory<E> rollingFile(
            TimekeeperConfiguration configuration, Path dir, String name) {
        final FileAppenderFactory<E> file = new FileAppenderFactory<>();
        file.setCurrentLogFilename(dir.resolve(name + ".log").toString());
        file.setArchivedLogFilenamePattern(dir.resolve(name + "-%d-%i.log.gz").toString());
        file.setMaxFileSize(configuration.getLogMaxFileSize());
        file.setArchivedFileCount(configuration.getLogArchiveDays());
        file.setTotalSizeCap(configuration.getLogTotalSizeCap());
        return file;
    }
}
