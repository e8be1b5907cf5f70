// Built only by the xtensa size check (tests/firmware/xtensa_size.py): each array is as
// large as one part of the reader's RAM on the ESP8266, and the check reads the sizes
// back from this object's symbol table. The sketch allocates one ReaderApp statically.
#include "reader.h"
#include "reader_loop.h"

char han_size_reader_app[sizeof(han::ReaderApp)];
char han_size_reader_loop[sizeof(han::ReaderLoop)];
char han_size_deframer[sizeof(han::HdlcDeframer)];
char han_size_classic_document[sizeof(han::FixedText<han::kClassicDocumentCapacity>)];
char han_size_mqtt_client[sizeof(han::MqttClient)];
char han_size_settings[sizeof(han::Settings)];
char han_size_reading[sizeof(han::Reading)];
