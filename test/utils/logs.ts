/** What the library logged during a test: every line from INFO up, with its level, and the Layer that records it. */
import { Layer, Logger, LogLevel } from "effect"

export interface LoggedLine {
  readonly level: string
  readonly message: string
}

export const captureLogs = () => {
  const lines: Array<LoggedLine> = []
  const logger = Logger.make(({ logLevel, message }) => {
    lines.push({ level: logLevel.label, message: Array.isArray(message) ? message.join(" ") : String(message) })
  })
  return {
    lines,
    /** The lines of one level ("WARN", "ERROR"…), their messages only. */
    at: (level: string) => lines.filter((line) => line.level === level).map((line) => line.message),
    layer: Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(LogLevel.Info))
  }
}
