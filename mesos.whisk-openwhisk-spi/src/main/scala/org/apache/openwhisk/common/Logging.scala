// Compile-only declaration: the binary name and signatures of OpenWhisk master 1fae641a2b30, no behaviour.
// Never shipped; the invoker supplies the real class.
package org.apache.openwhisk.common

import java.io.PrintStream
import java.time.Instant

/** OpenWhisk's logger; mesos.whisk-openwhisk only passes it on (to the inherited Container code). */
trait Logging

class PrintStreamLogging(outputStream: PrintStream = Console.out) extends Logging

/** Erases to [[TransactionMetadata]] in every signature (a value class). */
case class TransactionId private (meta: TransactionMetadata) extends AnyVal {
  def id: String = meta.id
}

protected case class TransactionMetadata(id: String,
                                         start: Instant,
                                         extraLogging: Boolean = false,
                                         parent: Option[TransactionMetadata] = None)

object TransactionId {
  val unknown: TransactionId = TransactionId(TransactionMetadata("sid_unknown", Instant.EPOCH))
  val testing: TransactionId = TransactionId(TransactionMetadata("sid_testing", Instant.EPOCH))
  val invoker: TransactionId = TransactionId(TransactionMetadata("sid_invoker", Instant.EPOCH))
}
