export { type Channel, channels } from './channels.js';
export { decodeCommandNotice, encodeCommandNotices } from './commandNotice.js';
export { createListener, type NotificationHandler, type NotificationListener } from './listener.js';
export { notify, notifyCommands } from './notify.js';
